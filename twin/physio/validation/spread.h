// Spread of the drug along the neuraxis against delivery: how far a dose spreads with the
// infusion rate and with the bolus volume and rate (docs/models.md, "Near-tip mixing"). The
// comparators (held out: no transport parameter was fitted to them) join heldout_comparators();
// the measures are shared with the grid-convergence study.
#pragma once

#include <vector>

#include "twin/physio/patient_model.h"
#include "twin/physio/validation/heldout.h"

namespace pumptwin::physio::validation {

// Full width at half maximum of the spinal CSF concentration profile around its peak, cm
// (piecewise linear between cell centres; the intracranial cell is not part of the canal).
double spread_width_cm(const PatientModel& model);

// A lumbar-puncture bolus of a tracer (cleared only with the CSF) at L3 through a 22-gauge
// spinal needle, the dose the same whatever the volume: the intracranial AUC over the 3 h after
// the start, ug h/mL per mg given; the reference adult, its dispersion scaled by dispersion_scale.
double lumbar_bolus_intracranial_auc(double volume_ml, double rate_ml_per_min, TransportGrid grid,
                                     double dispersion_scale = 1.0);

// Baclofen at L2 for 8 h as 20 uL/h, 1000 uL/h, or 1000 uL over 5 min every hour: the model at
// the end of the 8 h, in the reference adult with its dispersion scaled by dispersion_scale.
enum class PigDelivery { kSlowInfusion, kFastInfusion, kHourlyBolus };
PatientModel pig_protocol(PigDelivery delivery, TransportGrid grid, double dispersion_scale = 1.0);

std::vector<Comparator> spread_comparators();

}  // namespace pumptwin::physio::validation
