# Writes OUT: a C++ source defining `std::string_view <SYMBOL>()` (in namespace NS) returning the bytes of IN.
file(READ "${IN}" content HEX)
string(LENGTH "${content}" hexlen)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by embed_text.cmake. Do not edit.\n#include <string_view>\n\nnamespace ${NS} {\nnamespace {\nconstexpr char kData[] = {${bytes} '\\0'};\n}  // namespace\nstd::string_view ${SYMBOL}() { return {kData, sizeof(kData) - 1}; }\n}  // namespace ${NS}\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
