# Writes OUT, a C++ file defining unspin::kWebPage as the text of IN, so
# the server carries its page and needs no files at run time.
file(READ "${IN}" page)
string(FIND "${page}" ")unspin_page\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )unspin_page\"")
endif()
file(WRITE "${OUT}.tmp" "// Generated from server/page.html by server/embed_page.cmake.\n#include \"server/server.h\"\nnamespace unspin {\nconst char* const kWebPage = R\"unspin_page(${page})unspin_page\";\n}  // namespace unspin\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
