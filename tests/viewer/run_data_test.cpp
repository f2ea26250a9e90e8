// The viewer's data (viewer/run_data.h): the min/max pyramid gives the same minimum and
// maximum as a scan over any row range; a live server's history becomes rows before the live
// samples; the delivery rate from the strokes; no server is "not connected" with a retry.
#include "run_data.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "live_client.h"

namespace pumpviewer {
namespace {

TEST(ViewerData, PyramidRangesEqualAScanOverAnyRows) {
  Column column;
  std::mt19937 random(7);
  std::uniform_real_distribution<float> value(-100.0f, 100.0f);
  std::vector<float> raw;
  for (int row = 0; row < 50000; ++row) {
    const float v = row % 7 == 3 ? NAN : value(random);  // unmeasured rows
    column.push(v);
    raw.push_back(v);
  }
  std::uniform_int_distribution<std::size_t> pick(0, raw.size());
  for (int query = 0; query < 2000; ++query) {
    std::size_t begin = pick(random);
    std::size_t end = pick(random);
    if (begin > end) std::swap(begin, end);
    float low = INFINITY;
    float high = -INFINITY;
    for (std::size_t i = begin; i < end; ++i) {
      if (std::isnan(raw[i])) continue;
      low = std::min(low, raw[i]);
      high = std::max(high, raw[i]);
    }
    const Column::Range range = column.range(begin, end);
    ASSERT_EQ(range.min, low) << begin << ".." << end;
    ASSERT_EQ(range.max, high) << begin << ".." << end;
  }
}

TEST(ViewerData, HistoryBecomesRowsBeforeLiveSamples) {
  RunData data;
  data.set_catalogue(
      {{"delivered_volume_ul", "uL", "volume"}, {"battery_terminal_v", "V", "battery"}});
  ASSERT_EQ(data.signal_index(RunData::kDeliveryRate), 2);
  // A live sample that arrives before the history has ended goes after it, not before.
  data.add_sample(1800.0, {30.0, 3.57});
  data.add_history(0, {0.0, 600.0, 1200.0}, {0.0, 10.0, 20.0});
  // Two points at one time (a bucket's minimum and maximum) hold up none of what follows.
  data.add_history(1, {0.0, 300.0, 300.0, 1200.0}, {3.6, 3.59, 3.595, 3.58});
  data.end_history();
  EXPECT_TRUE(data.has_history);
  ASSERT_EQ(data.times, (std::vector<double>{0.0, 300.0, 300.0, 600.0, 1200.0, 1800.0}));
  EXPECT_TRUE(std::isnan(data.values[0][1]));  // the volume was not sent at 300 s
  EXPECT_FLOAT_EQ(data.value_at(1, 900.0), 3.595f);
  EXPECT_FLOAT_EQ(data.value_at(1, 1500.0), 3.58f);
  EXPECT_FLOAT_EQ(data.value_at(0, 900.0), 10.0f);
  data.add_sample(2400.0, {40.0, 3.56});
  EXPECT_EQ(data.times.back(), 2400.0);
  EXPECT_FLOAT_EQ(data.value_at(0, 2000.0), 30.0f);
  EXPECT_EQ(data.rows_between(500.0, 1500.0), std::make_pair(std::size_t{3}, std::size_t{5}));
  // A row older than the latest is merged in time order.
  data.add_sample(2100.0, {35.0, 3.565});
  ASSERT_EQ(data.times,
            (std::vector<double>{0.0, 300.0, 300.0, 600.0, 1200.0, 1800.0, 2100.0, 2400.0}));
  EXPECT_FLOAT_EQ(data.value_at(0, 2200.0), 35.0f);
}

TEST(ViewerData, DeliveryRateComesFromTheStrokesNotFromSamples) {
  RunData data;
  data.set_catalogue({{"displaced_volume_ul", "uL", "volume"}, {"strokes", "1", ""}});
  // Live: a stroke of 0.25 uL every 450 s (2 uL/h), seen where the stroke count goes up, in
  // between samples that see no stroke.
  double total = 0.0;
  for (int i = 0; i <= 8; ++i) {
    const double t = 450.0 * i;
    data.add_sample(t, {total, static_cast<double>(i)});
    data.add_sample(t + 200.0, {total, static_cast<double>(i)});  // no stroke: no rate
    total += 0.25;
  }
  ASSERT_EQ(data.stroke_times.size(), 8u);
  for (std::size_t i = 0; i < data.stroke_times.size(); ++i) {
    EXPECT_FLOAT_EQ(data.stroke_rate[i], 2.0f) << i;  // flat: no teeth
  }
  // A bolus: strokes every 9 s for a minute, 100 uL/h.
  RunData recorded;
  recorded.set_catalogue({});
  for (int i = 0; i <= 6; ++i) recorded.add_stroke(9.0 * i, 0.25 * i);
  const auto [first, last] = recorded.strokes_between(0.0, 60.0);
  EXPECT_EQ(last - first, 6u);
  EXPECT_FLOAT_EQ(recorded.stroke_rate.range(first, last).max, 100.0f);
}

TEST(ViewerLive, NoServerIsNotConnectedWithARetryNotEndlessConnecting) {
  // A port nothing listens on: bound, then released.
  unsigned short port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    port = acceptor.local_endpoint().port();
  }
  RunData data;
  LiveClient client(data, "127.0.0.1", port, "");
  client.start();
  auto wait_failed = [&] {
    for (int i = 0; i < 100 && !client.failed(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  };
  wait_failed();
  ASSERT_TRUE(client.failed());  // within 10 s: the viewer then shows NOT CONNECTED and retry
  {
    std::lock_guard lock(data.mutex);
    EXPECT_EQ(data.connection.rfind("cannot connect to 127.0.0.1:", 0), 0u) << data.connection;
  }
  client.retry();
  EXPECT_FALSE(client.failed());
  wait_failed();
  EXPECT_TRUE(client.failed());
}

}  // namespace
}  // namespace pumpviewer
