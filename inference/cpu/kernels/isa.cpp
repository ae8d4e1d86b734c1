// Which instruction-set level this machine runs: the CPU's feature bits (cpuid) and the register
// state the OS saves on context switches (xgetbv) — a CPU with AVX-512 under an OS or hypervisor
// that does not save zmm registers must not run AVX-512 code. CONFIDANT_CPU_ISA caps the level.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "cpu/kernels/matmul.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace confidant::inference::cpu::kernels {
namespace {

constexpr std::array<Isa, 5> k_allIsas = {Isa::Scalar, Isa::Avx2, Isa::AvxVnni, Isa::Avx512, Isa::Avx512Vnni};

#if defined(__x86_64__) || defined(__i386__)
struct CpuidRegisters {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
};

CpuidRegisters cpuid(unsigned leaf, unsigned subleaf) {
    CpuidRegisters r;
    if (!__get_cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx)) return {};
    return r;
}

bool bit(unsigned value, int n) { return (value >> n) & 1u; }

// XCR0: which register states the OS saves. Only valid to read when CPUID says OSXSAVE.
uint64_t readXcr0() {
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t(hi) << 32) | lo;
}

Isa detect() {
    const CpuidRegisters leaf0 = cpuid(0, 0);
    if (leaf0.eax < 7) return Isa::Scalar;
    const CpuidRegisters leaf1 = cpuid(1, 0);
    const bool osxsave = bit(leaf1.ecx, 27), avx = bit(leaf1.ecx, 28), fma = bit(leaf1.ecx, 12),
               f16c = bit(leaf1.ecx, 29);
    if (!osxsave || !avx || !fma || !f16c) return Isa::Scalar;
    const uint64_t xcr0 = readXcr0();
    const bool ymmState = (xcr0 & 0x6) == 0x6;     // SSE and AVX state
    const bool zmmState = (xcr0 & 0xE6) == 0xE6;   // plus opmask, ZMM0-15 high halves, ZMM16-31
    if (!ymmState) return Isa::Scalar;
    const CpuidRegisters leaf7 = cpuid(7, 0);
    if (!bit(leaf7.ebx, 5)) return Isa::Scalar;  // AVX2
    const bool avx512 = zmmState && bit(leaf7.ebx, 16) /*F*/ && bit(leaf7.ebx, 17) /*DQ*/ &&
                        bit(leaf7.ebx, 30) /*BW*/ && bit(leaf7.ebx, 31) /*VL*/;
    if (avx512) return bit(leaf7.ecx, 11) /*AVX512_VNNI*/ ? Isa::Avx512Vnni : Isa::Avx512;
    const CpuidRegisters leaf7s1 = cpuid(7, 1);
    return bit(leaf7s1.eax, 4) /*AVX-VNNI*/ ? Isa::AvxVnni : Isa::Avx2;
}
#else
Isa detect() { return Isa::Scalar; }
#endif

Isa selectOnce() {
    const Isa machine = machineIsa();
    const char* value = std::getenv("CONFIDANT_CPU_ISA");
    if (!value || !*value) return machine;
    const std::optional<Isa> requested = parseIsaName(value);
    if (!requested) {
        // Library code has no logger here; the variable is a developer's switch, and a silent
        // typo would make a test run the wrong level, so say it once where the developer looks.
        std::fprintf(stderr,
                     "confidant: CONFIDANT_CPU_ISA=%s is not a level (scalar, avx2, avxvnni, avx512, "
                     "avx512vnni); using %s\n",
                     value, std::string(isaName(machine)).c_str());
        return machine;
    }
    return *requested < machine ? *requested : machine;
}

}  // namespace

Isa machineIsa() {
    static const Isa isa = detect();
    return isa;
}

Isa selectedIsa() {
    static const Isa isa = selectOnce();
    return isa;
}

std::string_view isaName(Isa isa) {
    switch (isa) {
        case Isa::Scalar: return "scalar";
        case Isa::Avx2: return "avx2";
        case Isa::AvxVnni: return "avxvnni";
        case Isa::Avx512: return "avx512";
        case Isa::Avx512Vnni: return "avx512vnni";
    }
    return "?";
}

std::optional<Isa> parseIsaName(std::string_view name) {
    for (Isa isa : k_allIsas)
        if (isaName(isa) == name) return isa;
    return std::nullopt;
}

}  // namespace confidant::inference::cpu::kernels
