// Several Qt Test classes in one executable: each file registers its class here and main runs
// them all (or those named with -class Name), returning the number of failed classes.
#pragma once

#include <QObject>

#include <functional>
#include <memory>
#include <vector>

namespace confidant::testing {

struct RegisteredTest {
    const char* name;
    std::function<std::unique_ptr<QObject>()> create;
};

std::vector<RegisteredTest>& registeredTests();

template <typename T>
struct TestRegistration {
    explicit TestRegistration(const char* name) {
        registeredTests().push_back({name, [] { return std::make_unique<T>(); }});
    }
};

}  // namespace confidant::testing

#define CONFIDANT_REGISTER_TEST(Class) static ::confidant::testing::TestRegistration<Class> s_registration_##Class(#Class)
