# The .deb package: CPack's DEB generator with dependencies computed from the binaries
# (dpkg-shlibdeps) plus the QML runtime modules the app loads, and the Debian documentation
# files lintian expects (copyright, compressed changelog).
include(GNUInstallDirs)

set(doc_dir "${CMAKE_INSTALL_DATADIR}/doc/confidant")
install(FILES "${PROJECT_SOURCE_DIR}/packaging/copyright" DESTINATION "${doc_dir}")
configure_file("${PROJECT_SOURCE_DIR}/packaging/changelog.in" "${PROJECT_BINARY_DIR}/packaging/changelog.Debian" @ONLY)
find_program(GZIP gzip REQUIRED)
add_custom_command(OUTPUT "${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz"
  COMMAND "${GZIP}" -9nkf "${PROJECT_BINARY_DIR}/packaging/changelog.Debian"
  DEPENDS "${PROJECT_BINARY_DIR}/packaging/changelog.Debian" VERBATIM)
add_custom_target(confidant_changelog ALL DEPENDS "${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz")
install(FILES "${PROJECT_BINARY_DIR}/packaging/changelog.Debian.gz" DESTINATION "${doc_dir}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME confidant)
set(CPACK_PACKAGE_VENDOR "The Confidant authors")
set(CPACK_PACKAGE_CONTACT "Confidant Maintainers <maintainers@confidant.io>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "private, offline desktop assistant for local language models")
set(CPACK_PACKAGE_DESCRIPTION "Confidant runs open-weight language models (GGUF files such as
Llama 3.1) on your own GPU through its own Vulkan engine, or on the CPU,
and keeps every conversation in a local SQLite database that you can
search and export. No account, no cloud: nothing leaves the machine
unless you ask.")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://confidant.io/")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(CONFIDANT_BUILD_APP)
  # QML modules are loaded at run time, so dpkg-shlibdeps cannot see them. The file and folder
  # dialogs fall back to QtQuick.Dialogs' own QML implementation, which imports Qt.labs.folderlistmodel.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-layouts, qml6-module-qtquick-window, qml6-module-qtquick-templates, qml6-module-qtqml-workerscript, qml6-module-qtquick-dialogs, qml6-module-qt-labs-folderlistmodel")
endif()
# libcurl, libcpp-httplib and libedit come through dpkg-shlibdeps; the certificates that HTTPS to a
# remote engine is verified against are files, which it cannot see.
if(CPACK_DEBIAN_PACKAGE_DEPENDS)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", ca-certificates")
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "ca-certificates")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "mesa-vulkan-drivers")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
