// "Automatic" picks the CPU backend when the only Vulkan devices are software (CPU-type) ones,
// and says so; a real GPU, or a device the user picked, keeps the Vulkan path.
#include <QTest>

#include "device_choice.h"
#include "test_registry.h"

using namespace confidant::app;
using confidant::inference::VulkanDeviceInfo;

namespace {

VulkanDeviceInfo device(const char* name, const char* type, bool usable = true) {
    VulkanDeviceInfo d;
    d.name = name;
    d.type = type;
    d.usable = usable;
    return d;
}

}  // namespace

class DeviceChoiceTest : public QObject {
    Q_OBJECT
private slots:
    void onlyASoftwareDeviceMeansTheCpuAndSaysWhy() {
        const DeviceChoice choice = chooseAutomaticDevice({device("llvmpipe (LLVM 15.0.6, 256 bits)", "cpu")}, -1);
        QVERIFY(choice.useCpu);
        QVERIFY(choice.note.contains(QStringLiteral("llvmpipe")));
        QVERIFY(choice.note.contains(QStringLiteral("CPU backend is faster")));
    }

    void aRealGpuIsUsed() {
        const DeviceChoice choice =
            chooseAutomaticDevice({device("llvmpipe", "cpu"), device("Radeon RX 7600", "discrete")}, -1);
        QVERIFY(!choice.useCpu);
        QVERIFY(choice.note.isEmpty());
        QVERIFY(!chooseAutomaticDevice({device("Intel UHD", "integrated")}, -1).useCpu);
    }

    void anUnusableGpuDoesNotCount() {
        QVERIFY(chooseAutomaticDevice({device("Old GPU", "discrete", false), device("llvmpipe", "cpu")}, -1).useCpu);
    }

    void aPickedDeviceOrNoDeviceKeepsTheVulkanPath() {
        QVERIFY(!chooseAutomaticDevice({device("llvmpipe", "cpu")}, 0).useCpu);  // the user chose it
        QVERIFY(!chooseAutomaticDevice({}, -1).useCpu);  // the Vulkan path explains that there is none
    }
};

CONFIDANT_REGISTER_TEST(DeviceChoiceTest);
#include "device_choice_test.moc"
