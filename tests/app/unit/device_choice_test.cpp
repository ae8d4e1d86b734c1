// "Automatic": a real GPU when there is one; with only software (CPU-type) Vulkan devices, always
// the fast CPU backend, whatever the device's shuffles or memory, with a note that says which and
// why. A device the user picked keeps the Vulkan path.
#include <QTest>

#include "device_choice.h"
#include "test_registry.h"

using namespace confidant::app;
using confidant::inference::VulkanDeviceInfo;

namespace {

VulkanDeviceInfo device(const char* name, const char* type, bool usable = true, bool shuffles = true,
                        uint64_t memory = uint64_t(2048) << 20) {
    VulkanDeviceInfo d;
    d.name = name;
    d.type = type;
    d.usable = usable;
    d.subgroupShuffle = shuffles;
    d.heaps.push_back({memory, 0, true});
    return d;
}

constexpr uint64_t k_smallModel = uint64_t(800) << 20;

}  // namespace

class DeviceChoiceTest : public QObject {
    Q_OBJECT
private slots:
    void lavapipeWithShufflesAndRoomStillMeansTheCpu() {
        const DeviceChoice choice =
            chooseAutomaticDevice({device("llvmpipe (LLVM 15.0.6, 256 bits)", "cpu")}, -1, k_smallModel);
        QVERIFY(choice.useCpu);
        QVERIFY(choice.note.contains(QStringLiteral("llvmpipe")));
        QVERIFY(choice.note.contains(QStringLiteral("software renderer")));
        QVERIFY(choice.note.contains(QStringLiteral("CPU backend is faster")));
    }

    void anySoftwareDeviceMeansTheCpu() {
        QVERIFY(chooseAutomaticDevice({device("SwiftShader", "cpu", true, false)}, -1, k_smallModel).useCpu);
        QVERIFY(chooseAutomaticDevice({device("llvmpipe", "cpu")}, -1, uint64_t(4700) << 20).useCpu);
        const DeviceChoice two =
            chooseAutomaticDevice({device("llvmpipe", "cpu"), device("SwiftShader", "cpu")}, -1, k_smallModel);
        QVERIFY(two.useCpu);
        QVERIFY(two.note.contains(QStringLiteral("llvmpipe")));
    }

    void aRealGpuIsUsed() {
        const DeviceChoice choice = chooseAutomaticDevice(
            {device("llvmpipe", "cpu", true, false), device("Radeon RX 7600", "discrete")}, -1, uint64_t(4700) << 20);
        QVERIFY(!choice.useCpu);
        QVERIFY(choice.note.isEmpty());
        QVERIFY(!chooseAutomaticDevice({device("Intel UHD", "integrated")}, -1, k_smallModel).useCpu);
    }

    void anUnusableGpuDoesNotCount() {
        const DeviceChoice choice = chooseAutomaticDevice(
            {device("Old GPU", "discrete", false), device("llvmpipe", "cpu", true, false)}, -1, k_smallModel);
        QVERIFY(choice.useCpu);
    }

    void aPickedDeviceOrNoDeviceKeepsTheVulkanPath() {
        QVERIFY(!chooseAutomaticDevice({device("llvmpipe", "cpu", true, false)}, 0, k_smallModel).useCpu);
        QVERIFY(!chooseAutomaticDevice({}, -1, k_smallModel).useCpu);  // the Vulkan path explains that there is none
    }
};

CONFIDANT_REGISTER_TEST(DeviceChoiceTest);
#include "device_choice_test.moc"
