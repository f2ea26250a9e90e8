// The CSF spaces along the neuraxis, from the sacral thecal sac to the intracranial spaces, cut
// into segments by vertebral level. Lengths come from vertebral body + disc heights (cervical
// ~1.8 cm, thoracic ~2.5 cm, lumbar ~3.5 cm per level; Gray's Anatomy, 41st ed.), volumes from
// MRI volumetry: lumbosacral CSF 49.9 +/- 12.1 mL below T11-T12 (Hogan et al. 1996,
// Anesthesiology 84:1341-9), whole spinal ~75 mL and total ~150 mL (Sakka et al. 2011, Eur Ann
// Otorhinolaryngol Head Neck Dis 128:309-16).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pumptwin::physio {

struct NeuraxisSegment {
  std::string_view name;   // signal-friendly identifier, e.g. "L1_L3"
  std::string_view label;  // short, for a plot's row ("L1-L3", "brain")
  double length_cm;        // along the axis, used for dispersion distances
  double volume_ml;        // reference adult (total CSF 150 mL); scaled per patient
  bool spinal;             // spinal segments share the spinal share of CSF absorption
};

inline constexpr std::size_t kSegmentCount = 11;

inline constexpr std::array<NeuraxisSegment, kSegmentCount> kNeuraxis{{
    {"S1_S5", "S1-S5", 4.0, 6.0, true},
    {"L4_L5", "L4-L5", 7.0, 10.0, true},
    {"L1_L3", "L1-L3", 10.5, 16.0, true},
    {"T10_T12", "T10-T12", 7.5, 10.0, true},
    {"T7_T9", "T7-T9", 7.0, 8.0, true},
    {"T4_T6", "T4-T6", 6.5, 7.0, true},
    {"T1_T3", "T1-T3", 6.0, 6.0, true},
    {"C5_C7", "C5-C7", 5.5, 5.0, true},
    {"C1_C4", "C1-C4", 7.0, 6.0, true},
    {"cisterna_magna", "cisterna", 3.0, 7.0, false},
    {"intracranial", "brain", 10.0, 69.0, false},
}};

// The view (docs/protocol.md, "hello") of the segments' concentration signals: the viewer draws
// them as its map of the drug along the neuraxis, in catalogue order from the sacrum up.
inline constexpr std::string_view kNeuraxisView = "spine";

inline constexpr std::size_t kCisternaMagna = 9;
inline constexpr std::size_t kIntracranial = 10;

// A place along the neuraxis a catheter tip can be put, as a scenario, a fault, a campaign and
// the live server name it: a vertebra of a spinal segment ("S1".."S5", "L1".."L5", "T1".."T12",
// "C1".."C7", each segment "<rostral>_<caudal>" holding its vertebrae) or a segment beyond the
// spine by its own name ("cisterna_magna", "intracranial"). The levels are derived from
// kNeuraxis, so every place the model has is a level and there is no other.
struct NeuraxisLevel {
  std::string name;
  std::size_t segment;  // in kNeuraxis
  // Where it lies along its segment, from the caudal end (0) to the rostral end (1): the middle
  // of that vertebra's share of the segment; 0.5 for a segment beyond the spine.
  double position;
};
// Every level, from the sacrum up.
const std::vector<NeuraxisLevel>& neuraxis_levels();
// nullptr when `name` is not a level.
const NeuraxisLevel* find_level(std::string_view name);
// The levels for a message or a document: "S1-S5, L1-L5, T1-T12, C1-C7, cisterna_magna,
// intracranial".
const std::string& level_ranges_text();

// The segment holding a level, and where the level lies in it (NeuraxisLevel). Throw
// std::invalid_argument for a name that is not a level.
std::size_t segment_for_level(std::string_view level);
double position_in_segment(std::string_view level);

}  // namespace pumptwin::physio
