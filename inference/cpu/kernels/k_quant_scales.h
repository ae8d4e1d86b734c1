// Q4_K/Q5_K's 8 six-bit scales and 8 six-bit minimums, packed in 12 bytes: sub-blocks 0..3 in the
// low 6 bits of bytes 0..3 (scales) and 4..7 (minimums); sub-blocks 4..7 keep their low 4 bits in
// the nibbles of bytes 8..11 and their high 2 bits in the top bits of bytes 0..7.
#pragma once

#include <cstdint>

namespace confidant::inference::cpu::kernels {

struct KQuantScales {
    uint8_t scale[8];
    uint8_t min[8];
};

inline KQuantScales unpackKQuantScales(const uint8_t packed[12]) {
    KQuantScales r;
    for (int s = 0; s < 4; ++s) {
        r.scale[s] = packed[s] & 63;
        r.min[s] = packed[s + 4] & 63;
        r.scale[s + 4] = uint8_t((packed[s + 8] & 0x0F) | ((packed[s] >> 6) << 4));
        r.min[s + 4] = uint8_t((packed[s + 8] >> 4) | ((packed[s + 4] >> 6) << 4));
    }
    return r;
}

}  // namespace confidant::inference::cpu::kernels
