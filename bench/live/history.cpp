#include "history.h"

#include <algorithm>
#include <cmath>

namespace pumptwin::live {

namespace {

// Min and max of each bucket [start + k*width, start + (k+1)*width), in time order.
std::vector<HistoryPoint> bucket_min_max(const std::vector<HistoryPoint>& points, double start_s,
                                         double width_s) {
  std::vector<HistoryPoint> out;
  out.reserve(points.size() / 2 + 2);
  std::size_t i = 0;
  while (i < points.size()) {
    const double bucket = std::floor((points[i].time_s - start_s) / width_s);
    HistoryPoint low = points[i];
    HistoryPoint high = points[i];
    std::size_t low_index = i;
    std::size_t high_index = i;
    for (++i; i < points.size() && std::floor((points[i].time_s - start_s) / width_s) == bucket;
         ++i) {
      if (points[i].value < low.value) {
        low = points[i];
        low_index = i;
      }
      if (points[i].value > high.value) {
        high = points[i];
        high_index = i;
      }
    }
    if (low_index == high_index) {
      out.push_back(low);
    } else if (low_index < high_index) {
      out.push_back(low);
      out.push_back(high);
    } else {
      out.push_back(high);
      out.push_back(low);
    }
  }
  return out;
}

}  // namespace

SignalHistory::SignalHistory(std::size_t max_points) : max_points_(std::max<std::size_t>(max_points, 8)) {}

void SignalHistory::add(double time_s, double value) {
  if (std::isnan(value)) return;
  if (count_ == 0) first_ = {time_s, value};
  last_ = {time_s, value};
  ++count_;
  if (bucket_s_ <= 0.0) {
    points_.push_back({time_s, value});
    if (points_.size() >= max_points_) compact();
    return;
  }
  if (open_ && time_s < open_start_s_ + bucket_s_) {
    if (value < open_min_.value) open_min_ = {time_s, value};
    if (value > open_max_.value) open_max_ = {time_s, value};
    return;
  }
  if (open_) {
    close_bucket();
    if (points_.size() >= max_points_) compact();
  }
  open_ = true;
  open_start_s_ = std::floor(time_s / bucket_s_) * bucket_s_;
  open_min_ = open_max_ = {time_s, value};
}

void SignalHistory::close_bucket() {
  open_ = false;
  if (open_min_.time_s == open_max_.time_s) {
    points_.push_back(open_min_);
  } else if (open_min_.time_s < open_max_.time_s) {
    points_.push_back(open_min_);
    points_.push_back(open_max_);
  } else {
    points_.push_back(open_max_);
    points_.push_back(open_min_);
  }
}

void SignalHistory::compact() {
  const double span_s = points_.back().time_s - points_.front().time_s;
  // First time: buckets for a quarter of the points (two kept per bucket: half full); then
  // twice as wide each time.
  bucket_s_ = bucket_s_ > 0.0 ? 2.0 * bucket_s_
                              : std::max(span_s / static_cast<double>(max_points_ / 4), 1e-9);
  points_ = bucket_min_max(points_, 0.0, bucket_s_);
}

std::vector<HistoryPoint> SignalHistory::points() const {
  std::vector<HistoryPoint> all;
  if (count_ == 0) return all;
  all.reserve(points_.size() + 4);
  // The first and the latest measurement always, so that the history covers the whole run.
  if (points_.empty() || points_.front().time_s > first_.time_s) all.push_back(first_);
  all.insert(all.end(), points_.begin(), points_.end());
  if (open_) {
    if (open_min_.time_s <= open_max_.time_s) {
      all.push_back(open_min_);
      if (open_max_.time_s != open_min_.time_s) all.push_back(open_max_);
    } else {
      all.push_back(open_max_);
      all.push_back(open_min_);
    }
  }
  if (all.back().time_s < last_.time_s) all.push_back(last_);
  return all;
}

std::vector<HistoryPoint> SignalHistory::decimate(const std::vector<HistoryPoint>& points,
                                                  std::size_t max_points) {
  max_points = std::max<std::size_t>(max_points, 6);
  if (points.size() <= max_points) return points;
  const double start_s = points.front().time_s;
  const double span_s = points.back().time_s - start_s;
  // The first and last points, and between them at most (max_points - 2) / 2 buckets of two.
  const double width_s = std::max(span_s / static_cast<double>((max_points - 2) / 2 - 1), 1e-9);
  std::vector<HistoryPoint> kept = bucket_min_max(points, start_s, width_s);
  if (kept.front().time_s > start_s) kept.insert(kept.begin(), points.front());
  if (kept.back().time_s < points.back().time_s) kept.push_back(points.back());
  return kept;
}

}  // namespace pumptwin::live
