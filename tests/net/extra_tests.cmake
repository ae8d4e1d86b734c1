# The network tests beyond the net_tests GoogleTest suite (included from tests/CMakeLists.txt):
# the seccomp launcher of the no-socket test, and the official openai npm client driving `serve`.
add_executable(no_network_exec "${CMAKE_CURRENT_LIST_DIR}/no_network_exec/no_network_exec.cpp")
target_link_libraries(no_network_exec PRIVATE confidant_warnings)
target_compile_definitions(net_tests PRIVATE CONFIDANT_NO_NETWORK_EXEC="$<TARGET_FILE:no_network_exec>")
add_dependencies(net_tests no_network_exec confidant-cli)

add_test(NAME net_openai_client
         COMMAND bash "${CMAKE_CURRENT_LIST_DIR}/openai_client/run_test.sh" "$<TARGET_FILE:confidant-cli>"
                 "${CONFIDANT_TESTDATA_DIR}")
set_tests_properties(net_openai_client PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
