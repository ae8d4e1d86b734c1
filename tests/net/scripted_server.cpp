#include "scripted_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>

namespace confidant::testing {

ScriptedServer::ScriptedServer(Script script) : m_script(std::move(script)) {
    m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(m_listen, 8) != 0)
        std::perror("scripted server");
    socklen_t len = sizeof addr;
    ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_thread = std::thread([this] { serve(); });
}

ScriptedServer::~ScriptedServer() { stop(); }

void ScriptedServer::stop() {
    if (m_stopping.exchange(true)) return;
    m_stopped.notify_all();
    if (m_thread.joinable()) m_thread.join();
    ::close(m_listen);
}

std::string ScriptedServer::lastRequest() {
    std::lock_guard lock(m_mutex);
    return m_lastRequest;
}

void ScriptedServer::serve() {
    while (!m_stopping) {
        pollfd p{m_listen, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        const int fd = ::accept(m_listen, nullptr, nullptr);
        if (fd < 0) continue;
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::string request;
        if (!m_script.respondBeforeRequest) {
            // Headers, then Content-Length bytes of body.
            char buf[4096];
            size_t need = std::string::npos;
            while (!m_stopping) {
                pollfd r{fd, POLLIN, 0};
                if (::poll(&r, 1, 20) <= 0) continue;
                const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
                if (n <= 0) break;
                request.append(buf, size_t(n));
                const size_t end = request.find("\r\n\r\n");
                if (end != std::string::npos && need == std::string::npos) {
                    need = end + 4;
                    const size_t cl = request.find("Content-Length: ");
                    if (cl != std::string::npos && cl < end) need += std::stoul(request.substr(cl + 16));
                }
                if (need != std::string::npos && request.size() >= need) break;
            }
        }
        {
            std::lock_guard lock(m_mutex);
            m_lastRequest = request;
        }
        for (const auto& piece : m_script.pieces)
            if (::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL) < 0) break;
        if (m_script.hangAfter) {
            std::unique_lock lock(m_mutex);
            m_stopped.wait(lock, [&] { return m_stopping.load(); });
        }
        ::close(fd);
    }
}

std::string responseHead(int status, const std::string& contentType, const std::vector<std::string>& extraHeaders) {
    std::string head = "HTTP/1.1 " + std::to_string(status) + " Status\r\nContent-Type: " + contentType +
                       "\r\nConnection: close\r\n";
    for (const auto& h : extraHeaders) head += h + "\r\n";
    return head + "\r\n";
}

std::vector<std::string> chunked(const std::vector<std::string>& pieces, bool terminate) {
    std::vector<std::string> out;
    for (const auto& p : pieces) {
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", p.size());
        out.push_back(size + p + "\r\n");
    }
    if (terminate) out.push_back("0\r\n\r\n");
    return out;
}

std::vector<std::string> splitSmall(const std::string& text) {
    std::vector<std::string> out;
    size_t at = 0;
    for (size_t n = 1; at < text.size(); n = n % 7 + 1) {
        out.push_back(text.substr(at, n));
        at += n;
    }
    return out;
}

}  // namespace confidant::testing
