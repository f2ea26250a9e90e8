#include "server.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <boost/asio.hpp>

#include "history.h"
#include "tcp_listener.h"

namespace pumptwin::live {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr std::size_t kMinQueueBytes = 4 * 1024;
constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kMaxWriteBatch = 64 * 1024;
constexpr std::size_t kDefaultHistoryPoints = 1000;

// What a queued line is: a sample may be dropped for room; the history is sent once, outside
// the queue's byte budget.
enum class Kind : uint8_t { kOther, kSample, kHistory };

// The history as it stood when a client said hello, copied under the mutex and encoded
// outside it.
struct HistoryCopy {
  std::vector<std::vector<HistoryPoint>> signals;
  std::vector<std::shared_ptr<const std::string>> events;
  std::shared_ptr<const std::string> snapshot;
  std::shared_ptr<const std::string> status;
  double time_s = 0.0;
  uint64_t rows = 0;
  uint64_t events_forgotten = 0;
};

std::string encode_history(const HistoryCopy& copy, std::size_t max_points) {
  std::string text;
  std::size_t points = 0;
  for (std::size_t i = 0; i < copy.signals.size(); ++i) {
    const std::vector<HistoryPoint> kept = SignalHistory::decimate(copy.signals[i], max_points);
    if (kept.empty()) continue;
    Json t = Json::array();
    Json v = Json::array();
    for (const HistoryPoint& point : kept) {
      t.push_back(point.time_s);
      v.push_back(point.value);
    }
    points += kept.size();
    text += encode({{"type", "history"}, {"signal", i}, {"t", std::move(t)}, {"v", std::move(v)}});
  }
  for (const auto& event : copy.events) text += *event;
  if (copy.snapshot) text += *copy.snapshot;
  if (copy.status) text += *copy.status;
  text += encode({{"type", "history_end"},
                  {"t", copy.time_s},
                  {"rows", copy.rows},
                  {"points", points},
                  {"events", copy.events.size()},
                  {"events_forgotten", copy.events_forgotten}});
  return text;
}
}  // namespace

struct Session;

struct Server::Impl {
  explicit Impl(const ServerOptions& server_options) : options(server_options) {}

  ServerOptions options;
  TcpListener listener;
  std::string hello_text;

  mutable std::mutex mutex;  // everything below, and each session's shared state
  std::condition_variable changed;
  std::map<uint64_t, std::shared_ptr<Session>> sessions;
  std::deque<Command> commands;
  uint64_t next_id = 1;

  // The run so far, for late joiners.
  std::vector<SignalHistory> history;
  std::deque<std::shared_ptr<const std::string>> history_events;
  uint64_t history_events_forgotten = 0;
  std::shared_ptr<const std::string> last_snapshot;
  std::shared_ptr<const std::string> last_status;
  double history_time_s = 0.0;
  uint64_t history_rows = 0;

  HistoryCopy copy_history() const {
    HistoryCopy copy;
    copy.signals.reserve(history.size());
    for (const SignalHistory& signal : history) copy.signals.push_back(signal.points());
    copy.events.assign(history_events.begin(), history_events.end());
    copy.snapshot = last_snapshot;
    copy.status = last_status;
    copy.time_s = history_time_s;
    copy.rows = history_rows;
    copy.events_forgotten = history_events_forgotten;
    return copy;
  }

  void accept();
  void kick(const std::shared_ptr<Session>& session);
  // Under `mutex`: queues a message; false when it did not fit.
  bool enqueue(Session& session, Stream stream, const std::shared_ptr<const std::string>& text);
};

struct Session : std::enable_shared_from_this<Session> {
  Session(Server::Impl& server_impl, tcp::socket connection, uint64_t session_id)
      : impl(server_impl),
        socket(std::move(connection)),
        id(session_id),
        decoder(kMaxClientMessageBytes),
        queue_limit(server_impl.options.queue_bytes) {}

  Server::Impl& impl;
  tcp::socket socket;  // network thread only
  uint64_t id;
  LineDecoder decoder;  // network thread only
  std::array<char, kReadChunk> read_buffer{};
  std::string write_buffer;  // network thread only
  bool writing = false;      // network thread only
  std::atomic<bool> kick_pending{false};
  // The decoder's and the write batch's memory, published by the network thread for stats().
  std::atomic<std::size_t> network_bytes{0};
  void note_network_bytes() { network_bytes = decoder.held_bytes() + write_buffer.capacity(); }

  // Shared, under impl.mutex.
  std::deque<std::shared_ptr<const std::string>> queue;
  std::deque<Kind> queue_kind;
  std::size_t queued_bytes = 0;  // the history excluded
  std::size_t queue_limit;
  bool ready = false;  // said hello
  bool closing = false;
  bool want_samples = true;
  bool want_events = true;
  bool want_snapshots = true;
  double sample_period_s = 0.0;
  double last_sample_s = -1e300;
  ClientStats stats;

  void start() {
    auto text = std::make_shared<const std::string>(impl.hello_text);
    {
      std::lock_guard lock(impl.mutex);
      impl.enqueue(*this, Stream::kReply, text);
    }
    write_some();
    read();
  }

  void read() {
    auto self = shared_from_this();
    socket.async_read_some(asio::buffer(read_buffer),
                           [self](const boost::system::error_code& error, std::size_t bytes) {
                             if (error) {
                               self->close_now();
                               return;
                             }
                             self->decoder.feed(std::string_view(self->read_buffer.data(), bytes));
                             const bool go_on = self->handle_input();
                             self->note_network_bytes();
                             if (go_on) self->read();
                           });
  }

  // Returns false when the session is being dropped.
  bool handle_input() {
    Json message;
    std::string error;
    while (decoder.next(message, error)) {
      if (!error.empty()) return drop("bad_message", error, nullptr);
      const Json id = message.contains("id") ? message["id"] : Json();
      if (std::string problem = check_client_message(message, impl.options.actions);
          !problem.empty()) {
        const bool version = message["type"] == "hello" && problem.rfind("unsupported", 0) == 0;
        return drop(version ? "version" : "bad_message", problem, id);
      }
      const std::string type = message["type"];
      std::unique_lock lock(impl.mutex);
      if (closing) return false;
      if (type == "hello" && ready) {
        // Each hello would queue the whole history again, outside the queue's budget: a
        // client repeating it without reading would grow the server without bound.
        enqueue_locked(
            error_message("bad_message", "hello was already said on this connection", id));
        continue;
      }
      if (type == "hello") {
        if (!impl.options.token.empty() && message.value("token", "") != impl.options.token) {
          lock.unlock();
          return drop("unauthorized", "a valid token is required", id);
        }
        ready = true;
        stats.name = message.value("client", "");
        enqueue_locked(ack_message(id, true, "welcome, client " + std::to_string(this->id)));
        impl.changed.notify_all();
        if (!message.value("history", true)) continue;
        // The history goes right after the ack, before anything published from now on; it
        // is encoded outside the mutex so that the simulation never waits for it.
        const std::size_t position = queue.size();
        const HistoryCopy copy = impl.copy_history();
        lock.unlock();
        const std::size_t max_points = std::clamp<std::size_t>(
            message.value("history_points", kDefaultHistoryPoints), 4, impl.options.history_points);
        auto text = std::make_shared<const std::string>(encode_history(copy, max_points));
        lock.lock();
        if (closing) return false;
        const std::size_t at = std::min(position, queue.size());
        queue.insert(queue.begin() + static_cast<std::ptrdiff_t>(at), text);
        queue_kind.insert(queue_kind.begin() + static_cast<std::ptrdiff_t>(at), Kind::kHistory);
        ++stats.messages_sent;
        continue;
      }
      if (!ready) {
        lock.unlock();
        return drop("bad_message", "the first message must be a hello", id);
      }
      if (type == "ping") {
        Json pong = {{"type", "pong"}};
        if (!id.is_null()) pong["id"] = id;
        enqueue_locked(pong);
      } else if (type == "subscribe") {
        sample_period_s = message.value("sample_period_s", sample_period_s);
        want_samples = message.value("samples", want_samples);
        want_events = message.value("events", want_events);
        want_snapshots = message.value("snapshots", want_snapshots);
        if (message.contains("queue_bytes")) {
          queue_limit = std::clamp<std::size_t>(message["queue_bytes"].get<std::size_t>(),
                                                kMinQueueBytes, impl.options.queue_bytes);
        }
        enqueue_locked(ack_message(id, true, "subscribed"));
      } else if (impl.commands.size() >= impl.options.max_pending_commands) {
        enqueue_locked(error_message("busy", "too many commands waiting; try again", id));
      } else {
        impl.commands.push_back({this->id, std::move(message)});
        impl.changed.notify_all();
      }
    }
    return !decoder.failed();
  }

  void enqueue_locked(const Json& message) {
    impl.enqueue(*this, Stream::kReply, std::make_shared<const std::string>(encode(message)));
    if (!writing) {
      // On the network thread already: start writing at once.
      asio::post(socket.get_executor(), [self = shared_from_this()] { self->write_some(); });
    }
  }

  // An error to the client, then the connection closes once it has gone out.
  bool drop(const std::string& code, const std::string& text, const Json& id) {
    {
      std::lock_guard lock(impl.mutex);
      if (closing) return false;
      queue.clear();
      queue_kind.clear();
      queued_bytes = 0;
      auto line = std::make_shared<const std::string>(encode(error_message(code, text, id)));
      queue.push_back(line);
      queue_kind.push_back(Kind::kOther);
      queued_bytes = line->size();
      closing = true;
      ready = false;
    }
    write_some();
    return false;
  }

  void write_some() {
    kick_pending = false;
    if (writing || !socket.is_open()) return;
    bool close_after = false;
    {
      std::lock_guard lock(impl.mutex);
      write_buffer.clear();
      // A history replay is one long line: do not keep its size for the rest of the session.
      if (write_buffer.capacity() > 2 * kMaxWriteBatch) write_buffer.shrink_to_fit();
      while (!queue.empty() && write_buffer.size() < kMaxWriteBatch) {
        write_buffer += *queue.front();
        if (queue_kind.front() != Kind::kHistory) queued_bytes -= queue.front()->size();
        queue.pop_front();
        queue_kind.pop_front();
      }
      close_after = closing && queue.empty();
      note_network_bytes();
      if (write_buffer.empty()) {
        impl.changed.notify_all();
        if (closing) {
          close_after = true;
        } else {
          return;
        }
      }
    }
    if (write_buffer.empty()) {
      close_now();
      return;
    }
    writing = true;
    auto self = shared_from_this();
    asio::async_write(socket, asio::buffer(write_buffer),
                      [self, close_after](const boost::system::error_code& error, std::size_t) {
                        self->writing = false;
                        if (error) {
                          self->close_now();
                          return;
                        }
                        if (close_after) {
                          self->close_now();
                          return;
                        }
                        self->write_some();
                      });
  }

  void close_now() {
    boost::system::error_code ignored;
    if (socket.is_open()) {
      socket.shutdown(tcp::socket::shutdown_both, ignored);
      socket.close(ignored);
    }
    std::lock_guard lock(impl.mutex);
    closing = true;
    ready = false;
    queue.clear();
    queue_kind.clear();
    queued_bytes = 0;
    impl.sessions.erase(id);
    impl.changed.notify_all();
  }
};

bool Server::Impl::enqueue(Session& session, Stream stream,
                           const std::shared_ptr<const std::string>& text) {
  if (session.closing) return false;
  if (stream == Stream::kSample) {
    if (session.queued_bytes + text->size() > session.queue_limit) {
      ++session.stats.samples_dropped;
      return false;
    }
    ++session.stats.samples_sent;
  } else if (session.queued_bytes + text->size() > 4 * session.queue_limit) {
    // Too far behind even on events: make room by dropping its queued samples first.
    std::deque<std::shared_ptr<const std::string>> kept;
    std::deque<Kind> kept_kind;
    std::size_t kept_bytes = 0;
    for (std::size_t i = 0; i < session.queue.size(); ++i) {
      if (session.queue_kind[i] == Kind::kSample) {
        ++session.stats.samples_dropped;
        --session.stats.samples_sent;
        continue;
      }
      kept.push_back(session.queue[i]);
      kept_kind.push_back(session.queue_kind[i]);
      if (session.queue_kind[i] != Kind::kHistory) kept_bytes += session.queue[i]->size();
    }
    session.queue.swap(kept);
    session.queue_kind.swap(kept_kind);
    session.queued_bytes = kept_bytes;
    if (session.queued_bytes + text->size() > 4 * session.queue_limit) {
      // Still no room: the client is dropped (the socket is closed on the network thread).
      session.closing = true;
      session.ready = false;
      return false;
    }
  }
  ++session.stats.messages_sent;
  session.queue.push_back(text);
  session.queue_kind.push_back(stream == Stream::kSample ? Kind::kSample : Kind::kOther);
  session.queued_bytes += text->size();
  return true;
}

void Server::Impl::kick(const std::shared_ptr<Session>& session) {
  if (session->kick_pending.exchange(true)) return;
  asio::post(listener.io, [session] { session->write_some(); });
}

void Server::Impl::accept() {
  listener.acceptor->async_accept(
      [this](const boost::system::error_code& error, tcp::socket socket) {
        if (error) {
          if (error == asio::error::operation_aborted) return;
          accept();
          return;
        }
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        // A small kernel buffer so that a slow reader is seen as such by its queue.
        socket.set_option(asio::socket_base::send_buffer_size(64 * 1024), ignored);
        std::shared_ptr<Session> session;
        bool full = false;
        {
          std::lock_guard lock(mutex);
          full = sessions.size() >= options.max_clients;
          session = std::make_shared<Session>(*this, std::move(socket), next_id++);
          if (!full) sessions[session->id] = session;
        }
        if (full) {
          session->drop("too_many_clients",
                        "at most " + std::to_string(options.max_clients) + " clients", nullptr);
        } else {
          session->start();
        }
        accept();
      });
}

Server::Server(const ServerOptions& options) : impl_(std::make_unique<Impl>(options)) {}

Server::~Server() {
  stop();
}

void Server::set_hello(const Json& hello) {
  Json message = hello;
  message["type"] = "hello";
  message["protocol"] = kProtocolName;
  message["version"] = kProtocolVersion;
  message["revision"] = kProtocolRevision;
  message["limits"] = {{"max_client_message_bytes", kMaxClientMessageBytes},
                       {"queue_bytes", impl_->options.queue_bytes},
                       {"max_clients", impl_->options.max_clients}};
  message["token_required"] = !impl_->options.token.empty();
  impl_->hello_text = encode(message);
}

std::string Server::start() {
  asio::ip::address bind_address;
  TcpListener& listener = impl_->listener;
  std::string error = listener.resolve(impl_->options.host, impl_->options.port, bind_address);
  if (!error.empty()) return error;
  if (!bind_address.is_loopback() && impl_->options.token.empty()) {
    return "binding to " + bind_address.to_string() +
           " (beyond loopback) requires a token (--token)";
  }
  error =
      listener.listen(bind_address, impl_->options.port, asio::socket_base::max_listen_connections);
  if (!error.empty()) return error;
  port_ = listener.port();
  impl_->accept();
  listener.start();
  return "";
}

void Server::stop() {
  impl_->listener.stop([this] {
    std::vector<std::shared_ptr<Session>> sessions;
    {
      std::lock_guard lock(impl_->mutex);
      for (auto& [id, session] : impl_->sessions) sessions.push_back(session);
    }
    for (auto& session : sessions) session->close_now();
  });
}

bool Server::connected(uint64_t client) const {
  std::lock_guard lock(impl_->mutex);
  const auto found = impl_->sessions.find(client);
  return found != impl_->sessions.end() && found->second->ready;
}

std::size_t Server::clients() const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<std::size_t>(
      std::count_if(impl_->sessions.begin(), impl_->sessions.end(),
                    [](const auto& entry) { return entry.second->ready; }));
}

void Server::set_history_signals(std::size_t count) {
  std::lock_guard lock(impl_->mutex);
  impl_->history.assign(count, SignalHistory(impl_->options.history_points));
}

void Server::record_sample(double time_s, const std::vector<double>& values) {
  std::lock_guard lock(impl_->mutex);
  const std::size_t count = std::min(values.size(), impl_->history.size());
  for (std::size_t i = 0; i < count; ++i) impl_->history[i].add(time_s, values[i]);
  impl_->history_time_s = std::max(impl_->history_time_s, time_s);
  ++impl_->history_rows;
}

void Server::publish(Stream stream, double time_s, const Json& message) {
  std::vector<std::shared_ptr<Session>> to_kick;
  {
    std::lock_guard lock(impl_->mutex);
    std::shared_ptr<const std::string> text;
    // Events, the last snapshot and the last status are kept for late joiners.
    if (stream == Stream::kEvent || stream == Stream::kSnapshot || stream == Stream::kStatus) {
      text = std::make_shared<const std::string>(encode(message));
      if (stream == Stream::kEvent) {
        impl_->history_events.push_back(text);
        if (impl_->history_events.size() > impl_->options.history_events) {
          impl_->history_events.pop_front();
          ++impl_->history_events_forgotten;
        }
      } else if (stream == Stream::kSnapshot) {
        impl_->last_snapshot = text;
      } else {
        impl_->last_status = text;
      }
      impl_->history_time_s = std::max(impl_->history_time_s, time_s);
    }
    if (impl_->sessions.empty()) return;
    for (auto& [id, session] : impl_->sessions) {
      if (!session->ready) continue;
      if (stream == Stream::kSample) {
        if (!session->want_samples) continue;
        if (time_s - session->last_sample_s < session->sample_period_s) continue;
      }
      if (stream == Stream::kEvent && !session->want_events) continue;
      if (stream == Stream::kSnapshot && !session->want_snapshots) continue;
      if (!text) text = std::make_shared<const std::string>(encode(message));
      const bool queued = impl_->enqueue(*session, stream, text);
      if (stream == Stream::kSample && queued) session->last_sample_s = time_s;
      to_kick.push_back(session);
    }
  }
  for (auto& session : to_kick) impl_->kick(session);
}

void Server::send_to(uint64_t client, const Json& message) {
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(impl_->mutex);
    auto found = impl_->sessions.find(client);
    if (found == impl_->sessions.end()) return;
    session = found->second;
    impl_->enqueue(*session, Stream::kReply, std::make_shared<const std::string>(encode(message)));
  }
  impl_->kick(session);
}

std::vector<Command> Server::take_commands() {
  std::lock_guard lock(impl_->mutex);
  std::vector<Command> commands(std::make_move_iterator(impl_->commands.begin()),
                                std::make_move_iterator(impl_->commands.end()));
  impl_->commands.clear();
  return commands;
}

bool Server::wait_for_command(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [this] { return !impl_->commands.empty(); });
}

void Server::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait_for(lock, timeout, [this] {
    return std::all_of(impl_->sessions.begin(), impl_->sessions.end(),
                       [](const auto& entry) { return entry.second->queue.empty(); });
  });
}

std::vector<ClientStats> Server::stats() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<ClientStats> all;
  for (const auto& [id, session] : impl_->sessions) {
    ClientStats stats = session->stats;
    stats.id = id;
    stats.queued_bytes = session->queued_bytes;
    stats.held_bytes = session->network_bytes;
    for (const auto& line : session->queue) stats.held_bytes += line->size();
    all.push_back(stats);
  }
  return all;
}

uint64_t Server::samples_dropped(uint64_t client) const {
  std::lock_guard lock(impl_->mutex);
  auto found = impl_->sessions.find(client);
  return found == impl_->sessions.end() ? 0 : found->second->stats.samples_dropped;
}

}  // namespace pumptwin::live
