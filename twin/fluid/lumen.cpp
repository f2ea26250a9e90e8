#include "twin/fluid/lumen.h"

#include <algorithm>

namespace pumptwin::fluid {

void Lumen::push_back(const Parcel& parcel) {
  if (parcel.volume_ul <= 0.0) return;
  if (!parcels_.empty() &&
      parcels_.back().concentration_ug_per_ml == parcel.concentration_ug_per_ml) {
    parcels_.back().volume_ul += parcel.volume_ul;
  } else {
    parcels_.push_back(parcel);
  }
}

void Lumen::push_front(const Parcel& parcel) {
  if (parcel.volume_ul <= 0.0) return;
  if (!parcels_.empty() &&
      parcels_.front().concentration_ug_per_ml == parcel.concentration_ug_per_ml) {
    parcels_.front().volume_ul += parcel.volume_ul;
  } else {
    parcels_.push_front(parcel);
  }
}

std::vector<Parcel> Lumen::pop_front(double volume_ul) {
  std::vector<Parcel> out;
  double remaining = volume_ul;
  while (remaining > 0.0 && !parcels_.empty()) {
    Parcel& front = parcels_.front();
    if (front.volume_ul <= remaining) {
      remaining -= front.volume_ul;
      out.push_back(front);
      parcels_.pop_front();
    } else {
      out.push_back({remaining, front.concentration_ug_per_ml});
      front.volume_ul -= remaining;
      remaining = 0.0;
    }
  }
  return out;
}

std::vector<Parcel> Lumen::pop_back(double volume_ul) {
  std::vector<Parcel> out;
  double remaining = volume_ul;
  while (remaining > 0.0 && !parcels_.empty()) {
    Parcel& back = parcels_.back();
    if (back.volume_ul <= remaining) {
      remaining -= back.volume_ul;
      out.push_back(back);
      parcels_.pop_back();
    } else {
      out.push_back({remaining, back.concentration_ug_per_ml});
      back.volume_ul -= remaining;
      remaining = 0.0;
    }
  }
  std::reverse(out.begin(), out.end());
  return out;
}

double Lumen::volume_ul() const {
  double sum = 0.0;
  for (const Parcel& p : parcels_) sum += p.volume_ul;
  return sum;
}

double Lumen::drug_ug() const {
  double sum = 0.0;
  for (const Parcel& p : parcels_) sum += p.drug_ug();
  return sum;
}

double Lumen::outlet_concentration_ug_per_ml() const {
  return parcels_.empty() ? 0.0 : parcels_.front().concentration_ug_per_ml;
}

double total_drug_ug(const std::vector<Parcel>& parcels) {
  double sum = 0.0;
  for (const Parcel& p : parcels) sum += p.drug_ug();
  return sum;
}

double total_volume_ul(const std::vector<Parcel>& parcels) {
  double sum = 0.0;
  for (const Parcel& p : parcels) sum += p.volume_ul;
  return sum;
}

}  // namespace pumptwin::fluid
