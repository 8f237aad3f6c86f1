# manpage.cmake: ebsmock(1), generated from the binary's own help so it cannot drift from
# it: help2man reads `ebsmock --help` and `--version`, and a SUBCOMMANDS section holds
# `ebsmock SUB --help` for every subcommand that `ebsmock --help` lists, and
# `ebsmock SUB NESTED --help` for those a subcommand lists (`report render`). CLI11 prints
# the path it was started as in its Usage lines: the page says `ebsmock` instead, so no
# build-folder path ends up in the package.
#   cmake -DEBSMOCK=path/to/ebsmock -DHELP2MAN=path/to/help2man -DOUTPUT=ebsmock.1 -P manpage.cmake
execute_process(COMMAND "${EBSMOCK}" --help OUTPUT_VARIABLE top RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ebsmock --help failed (${rc})")
endif()
# CLI11 lists subcommands after "Subcommands:", one per line: "  NAME    description".
function(subcommand_names help out_var)
  string(FIND "${help}" "Subcommands:" at)
  set(names "")
  if(NOT at EQUAL -1)
    string(SUBSTRING "${help}" ${at} -1 listing)
    string(REGEX MATCHALL "\n  [a-z-]+" found "${listing}")
    foreach(name IN LISTS found)
      string(STRIP "${name}" name)
      list(APPEND names ${name})
    endforeach()
  endif()
  set(${out_var} "${names}" PARENT_SCOPE)
endfunction()

# One .SS section with `ebsmock <words> --help`, in roff; the nested names it lists in out_var.
function(subcommand_section words include_var nested_var)
  execute_process(COMMAND "${EBSMOCK}" ${words} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
  string(REPLACE ";" " " title "${words}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ebsmock ${title} --help failed (${rc})")
  endif()
  subcommand_names("${help}" nested)
  string(REPLACE "${EBSMOCK}" "ebsmock" help "${help}")
  # roff: a line starting with '.' or '\'' is a request; escape backslashes and those.
  string(REPLACE "\\" "\\e" help "${help}")
  string(REGEX REPLACE "\n([.'])" "\n\\\\&\\1" help "${help}")
  set(${include_var} "${${include_var}}.SS \"ebsmock ${title}\"\n.nf\n${help}.fi\n" PARENT_SCOPE)
  set(${nested_var} "${nested}" PARENT_SCOPE)
endfunction()

subcommand_names("${top}" names)
if(NOT names)
  message(FATAL_ERROR "ebsmock --help lists no subcommands")
endif()
set(include "[SUBCOMMANDS]\n")
foreach(name IN LISTS names)
  subcommand_section("${name}" include nested)
  foreach(inner IN LISTS nested)
    subcommand_section("${name};${inner}" include unused)
  endforeach()
endforeach()
string(APPEND include "[FILES]\n.TP\n/usr/share/ebsmock/scenarios/\nThe scenario library: \\fBebsmock scenarios\\fR lists it, \\fBebsmock serve --scenario NAME\\fR serves one.\n"
       ".TP\n/usr/share/ebsmock/drivers/node/\nThe JSON-lines driver for the real Alibaba Node SDKs (run npm ci there first).\n"
       "[ENVIRONMENT]\n.TP\nEBSMOCK_SCENARIO_PATH\nFolders (':'-separated) searched for library scenarios before the installed one.\n"
       "[SEE ALSO]\n/usr/share/doc/ebsmock/README.md\n")
file(WRITE "${OUTPUT}.include" "${include}")
execute_process(COMMAND "${HELP2MAN}" --no-info --section=1
                        "--name=local emulator of Alibaba Cloud EBS async replication, with fault injection and contract testing"
                        --include=${OUTPUT}.include --output=${OUTPUT} "${EBSMOCK}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc})")
endif()
