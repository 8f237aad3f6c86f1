# manpage.cmake: ebsmock(1), generated from the binary's own help so it cannot drift from
# it: help2man reads `ebsmock --help` and `--version`, and a SUBCOMMANDS section holds
# `ebsmock SUB --help` for every subcommand that `ebsmock --help` lists.
#   cmake -DEBSMOCK=path/to/ebsmock -DHELP2MAN=path/to/help2man -DOUTPUT=ebsmock.1 -P manpage.cmake
execute_process(COMMAND "${EBSMOCK}" --help OUTPUT_VARIABLE top RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ebsmock --help failed (${rc})")
endif()
# CLI11 lists them after "Subcommands:", one per line: "  NAME    description".
string(FIND "${top}" "Subcommands:" at)
if(at EQUAL -1)
  message(FATAL_ERROR "ebsmock --help lists no subcommands")
endif()
string(SUBSTRING "${top}" ${at} -1 listing)
string(REGEX MATCHALL "\n  [a-z-]+" names "${listing}")
set(include "[SUBCOMMANDS]\n")
foreach(name IN LISTS names)
  string(STRIP "${name}" name)
  execute_process(COMMAND "${EBSMOCK}" ${name} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "ebsmock ${name} --help failed (${rc})")
  endif()
  # roff: a line starting with '.' or '\'' is a request; escape backslashes and those.
  string(REPLACE "\\" "\\e" help "${help}")
  string(REGEX REPLACE "\n([.'])" "\n\\\\&\\1" help "${help}")
  string(APPEND include ".SS \"ebsmock ${name}\"\n.nf\n${help}.fi\n")
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
