// A scripted HTTP server on 127.0.0.1 for the remote client's tests: for each connection it reads
// one request, then replays exactly the bytes it was given, in the pieces it was given, and ends
// the way the script says (close, or hang until the test is over). Nothing here is an HTTP
// implementation worth the name, on purpose: it sends what real servers were seen to send.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace confidant::testing {

struct Script {
    std::vector<std::string> pieces;  // written one by one, each with its own send()
    bool hangAfter = false;           // keep the connection open and silent until stop()
    bool respondBeforeRequest = false;  // write at once, without reading a request (not HTTP: TLS test)
};

class ScriptedServer {
public:
    explicit ScriptedServer(Script script);
    ~ScriptedServer();
    int port() const { return m_port; }
    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/v1"; }
    // The last request's raw bytes (headers and body).
    std::string lastRequest();
    void stop();

private:
    void serve();
    Script m_script;
    int m_listen = -1;
    int m_port = 0;
    std::thread m_thread;
    std::atomic<bool> m_stopping{false};
    std::mutex m_mutex;
    std::condition_variable m_stopped;
    std::string m_lastRequest;
};

// An HTTP/1.1 response head with Connection: close and no length (the body ends at close).
std::string responseHead(int status, const std::string& contentType, const std::vector<std::string>& extraHeaders = {});
// The same body as HTTP chunked transfer encoding, one chunk per piece.
std::vector<std::string> chunked(const std::vector<std::string>& pieces, bool terminate = true);
// `text` cut into pieces of 1, 2, 3, ... 7 bytes, repeating: splits land mid-line and mid-character.
std::vector<std::string> splitSmall(const std::string& text);

}  // namespace confidant::testing
