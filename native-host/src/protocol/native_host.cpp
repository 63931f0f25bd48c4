#include "protocol/native_host.h"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "core/clock.h"
#include "core/log.h"
#include "protocol/dispatcher.h"

namespace mxh::protocol {
namespace {

// Serializes messages into frames. A message that cannot be sent whole (too big) is replaced
// by an error, so the browser always hears back.
class FrameSink final : public MessageSink {
 public:
  explicit FrameSink(FrameWriter& writer) : writer_(writer) {}
  void send(const Json& message) override {
    const std::string text = serialize(message);
    if (auto written = writer_.write(text); !written) {
      if (written.error().code == Errc::frame_too_large) {
        (void)writer_.write(serialize(errorMessage(message.value("id", Json(nullptr)), written.error())));
      } else {
        std::cerr << "mxhealth: " << written.error().message << "\n";
      }
    }
  }

 private:
  FrameWriter& writer_;
};

}  // namespace

bool isNativeHostInvocation(std::span<const std::string_view> args) {
  if (args.empty()) return false;
  const std::string_view first = args[0];
  return first == "native" || first.starts_with("chrome-extension://") ||
         (first.size() > 5 && first.ends_with(".json"));
}

int runNativeHost(ByteSource& in, ByteSink& out) {
  const auto started = SteadyClock::now();
  FrameWriter writer(out);
  FrameSink sink(writer);
  Dispatcher dispatcher(sink);
  FrameReader reader(in);
  int exitCode = 0;
  while (true) {
    auto frame = reader.next();
    if (!frame) {
      // A broken frame cannot be skipped: the stream has lost its place. Say so and stop.
      sink.send(errorMessage(nullptr, frame.error()));
      logLine("broken frame, ending the session: " + frame.error().message);
      exitCode = frame.error().code == Errc::frame_truncated ? 0 : 1;
      break;
    }
    if (!*frame) break;  // the browser closed our stdin
    dispatcher.handle(**frame);
  }
  logLine("input closed: cancelling " + std::to_string(dispatcher.runningChecks()) + " running check(s)");
  dispatcher.shutdown();
  logLine("exiting after " + std::to_string(millisecondsSince(started)) + " ms");
  return exitCode;
}

int runNativeHostOnStdio() {
  const int framesFd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (framesFd < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    std::cerr << "mxhealth: cannot set up the native messaging stream\n";
    return 1;
  }
  logLine("native messaging host started (protocol " + std::to_string(kProtocolVersion) + ")");
  FdByteSource in(STDIN_FILENO);
  FdByteSink out(framesFd);
  const int exitCode = runNativeHost(in, out);
  ::close(framesFd);
  return exitCode;
}

}  // namespace mxh::protocol
