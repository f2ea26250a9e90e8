#include "firmware_codes_doc.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "firmware_vocabulary.h"
#include "scenario_run.h"

namespace pumpbench {

namespace {

struct Block {
  std::string what;  // "alarm bits"
  std::string source;
  std::string table;
  std::string begin() const {
    return "<!-- BEGIN " + what + ": generated from " + source +
           " by `pumpbench firmware-codes --update docs/telemetry.md`; edit the .def, not this "
           "table -->";
  }
  std::string end() const { return "<!-- END " + what + " -->"; }
};

std::vector<Block> blocks() {
  namespace vocabulary = pumptwin::firmware_vocabulary;
  return {{"alarm bits", "firmware/app/alarms.def", vocabulary::alarms_markdown()},
          {"event codes", "firmware/app/events.def", vocabulary::events_markdown()},
          {"refusal codes", "firmware/app/refusals.def", vocabulary::refusals_markdown()}};
}

}  // namespace

int firmware_codes_command(const std::string& update_doc, const std::string& check_doc) {
  const std::string doc = !update_doc.empty() ? update_doc : check_doc;
  if (doc.empty()) {
    for (const Block& block : blocks()) std::printf("%s\n", block.table.c_str());
    return kExitPassed;
  }
  std::ifstream in(doc);
  std::stringstream text;
  text << in.rdbuf();
  const std::string current = text.str();
  std::string generated = current;
  for (const Block& block : blocks()) {
    const size_t begin = generated.find(block.begin());
    const size_t end = generated.find(block.end());
    if (!in || begin == std::string::npos || end == std::string::npos || end < begin) {
      std::fprintf(stderr,
                   "pumpbench firmware-codes: %s: no generated block for the %s (the lines\n%s\n"
                   "...\n%s)\n",
                   doc.c_str(), block.what.c_str(), block.begin().c_str(), block.end().c_str());
      return kExitBadInput;
    }
    generated = generated.substr(0, begin) + block.begin() + "\n\n" + block.table + "\n" +
                generated.substr(end);
  }
  if (!check_doc.empty()) {
    if (generated == current) {
      std::printf("%s: the firmware's codes are as their definitions give them\n", doc.c_str());
      return kExitPassed;
    }
    std::fprintf(stderr,
                 "%s: the firmware's code tables differ from firmware/app/*.def: run `pumpbench "
                 "firmware-codes --update %s`\n",
                 doc.c_str(), doc.c_str());
    return kExitFailed;
  }
  std::ofstream(doc, std::ios::trunc) << generated;
  std::printf("%s: alarm, event and refusal tables written from firmware/app/*.def\n", doc.c_str());
  return kExitPassed;
}

}  // namespace pumpbench
