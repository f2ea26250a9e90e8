// The run so far, for clients that join late (docs/protocol.md, "History"): per signal, at
// most a fixed number of points; when a signal's points fill up, its resolution halves (time
// buckets twice as wide, each keeping its minimum and maximum, so peaks survive). Memory is
// bounded by signals x max_points whatever the run's length. Plain C++, no locking (the
// server holds its mutex around it).
#pragma once

#include <cstddef>
#include <vector>

namespace pumptwin::live {

struct HistoryPoint {
  double time_s;
  double value;
};

class SignalHistory {
 public:
  explicit SignalHistory(std::size_t max_points = 4096);

  // A value at `time_s` (non-decreasing). NaN is not a measurement and is skipped.
  void add(double time_s, double value);
  // Every point kept, the open bucket included, in time order, with the first and the latest
  // measurement (at most max_points + 4).
  std::vector<HistoryPoint> points() const;
  // `points` reduced to at most `max_points` (>= 2): min and max per time bucket.
  static std::vector<HistoryPoint> decimate(const std::vector<HistoryPoint>& points,
                                            std::size_t max_points);
  double bucket_s() const { return bucket_s_; }
  std::size_t size() const { return points_.size(); }

 private:
  void close_bucket();
  void compact();

  std::size_t max_points_;
  std::vector<HistoryPoint> points_;
  double bucket_s_ = 0.0;  // 0: every point kept
  bool open_ = false;      // a bucket is being filled
  double open_start_s_ = 0.0;
  HistoryPoint open_min_{};
  HistoryPoint open_max_{};
  HistoryPoint first_{};
  HistoryPoint last_{};
  std::size_t count_ = 0;  // measurements added
};

}  // namespace pumptwin::live
