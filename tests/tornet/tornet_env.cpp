#include "tests/tornet/tornet_env.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <poll.h>
#include <sched.h>
#include <stdexcept>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "tests/support/temp_dir.h"

namespace leakmon::testing {
namespace {

TorEndpoint Endpoint(const nlohmann::json& j) {
  return TorEndpoint{j.at("socks"), j.at("control"), j.at("cookie")};
}

TorNet Load(const std::string& dir) {
  std::string text = TempDir::Read(dir + "/network.json");
  INFO("the private Tor network is not up in " << dir
       << " (run `ctest -L tor`, or tests/tornet/tornet.py up --dir " << dir << ")");
  REQUIRE_FALSE(text.empty());
  nlohmann::json j = nlohmann::json::parse(text);
  TorNet net;
  net.dir = dir;
  net.canary = j.at("canary");
  net.client = Endpoint(j.at("client"));
  net.stranded = Endpoint(j.at("stranded"));
  net.client_torrc_lines = j.at("client_torrc_lines").get<std::vector<std::string>>();
  for (const auto& [name, s] : j.at("services").items()) {
    net.services[name] = OnionService{s.at("onion"), s.at("target_port"), s.at("tor_pid")};
  }
  net.fixture_request_log = j.at("fixture").at("request_log");
  net.bepasty_server_log = j.at("bepasty").at("server_log");
  net.bepasty_people_csv = j.at("bepasty").at("people_csv");
  net.bepasty_plaintext = j.at("bepasty").at("plaintext").get<std::vector<std::string>>();
  for (const auto& p : j.at("bepasty").at("pastes")) {
    BepastyPaste paste{p.at("path"), {}};
    for (const auto& e : p.at("expected")) paste.expected.emplace_back(e.at(0), e.at(1));
    net.bepasty_pastes.push_back(std::move(paste));
  }
  // Enter the network's namespace (when it has one): leakmon, the tors and
  // the sites must share one loopback.
  std::string netns = j.at("netns");
  if (!netns.empty()) {
    UniqueFd fd(::open(netns.c_str(), O_RDONLY | O_CLOEXEC));
    REQUIRE(fd.valid());
    REQUIRE(::setns(fd.get(), CLONE_NEWNET) == 0);
  }
  return net;
}

std::string Base32Lower(const unsigned char* data, std::size_t n) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::pair<std::string, int> HostPort(const std::string& endpoint) {
  auto colon = endpoint.rfind(':');
  return {endpoint.substr(0, colon), std::stoi(endpoint.substr(colon + 1))};
}

}  // namespace

const TorNet& TorNet::Get() {
  static const TorNet net = [] {
    const char* env = std::getenv("LEAKMON_TORNET_DIR");
    return Load(env && *env ? env : LEAKMON_TORNET_DIR);
  }();
  return net;
}

std::vector<std::string> ReadLinesFrom(const std::string& path, std::size_t from) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  for (std::size_t i = 0; std::getline(in, line); ++i) {
    if (i >= from) lines.push_back(line);
  }
  return lines;
}

std::string UnpublishedOnion() {
  // rend-spec-v3: onion = base32(PUBKEY | CHECKSUM | VERSION) where
  // CHECKSUM = SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2], VERSION = 3.
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  REQUIRE(key != nullptr);
  unsigned char raw[35];
  std::size_t len = 32;
  bool ok = EVP_PKEY_get_raw_public_key(key, raw, &len) == 1 && len == 32;
  EVP_PKEY_free(key);
  REQUIRE(ok);
  raw[34] = 3;
  std::string input = ".onion checksum";
  input.append(reinterpret_cast<const char*>(raw), 32);
  input.push_back('\x03');
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  REQUIRE(EVP_Digest(input.data(), input.size(), digest, &digest_len, EVP_sha3_256(), nullptr) == 1);
  raw[32] = digest[0];
  raw[33] = digest[1];
  return Base32Lower(raw, sizeof raw) + ".onion";
}

TorControlClient::TorControlClient(const TorEndpoint& endpoint) {
  auto [host, port] = HostPort(endpoint.control);
  fd_ = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (!fd_.valid() || ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("cannot connect to the control port " + endpoint.control);
  }
  std::string cookie = TempDir::Read(endpoint.cookie);
  std::string hex;
  for (unsigned char c : cookie) {
    static const char kHex[] = "0123456789abcdef";
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  Command("AUTHENTICATE " + hex);
}

std::optional<std::string> TorControlClient::ReadLine(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto eol = buffer_.find("\r\n");
    if (eol != std::string::npos) {
      std::string line = buffer_.substr(0, eol);
      buffer_.erase(0, eol + 2);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n <= 0) throw std::runtime_error("the control port closed the connection");
    buffer_.append(buf, static_cast<std::size_t>(n));
  }
}

std::vector<std::string> TorControlClient::ReadReply(std::chrono::steady_clock::time_point deadline) {
  std::vector<std::string> lines;
  for (;;) {
    std::optional<std::string> line = ReadLine(deadline);
    if (!line) throw std::runtime_error("no reply from the control port");
    if (line->size() >= 4 && (*line)[3] == '+') {  // a data block, up to "."
      std::string block = *line;
      for (;;) {
        std::optional<std::string> d = ReadLine(deadline);
        if (!d) throw std::runtime_error("no reply from the control port");
        if (*d == ".") break;
        block += "\n" + *d;
      }
      lines.push_back(block);
      continue;
    }
    lines.push_back(*line);
    if (line->size() >= 4 && (*line)[3] == ' ') return lines;
  }
}

std::vector<std::string> TorControlClient::Command(const std::string& command) {
  std::string wire = command + "\r\n";
  if (::send(fd_.get(), wire.data(), wire.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(wire.size())) {
    throw std::runtime_error("cannot write to the control port");
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    std::vector<std::string> reply = ReadReply(deadline);
    if (reply.front().rfind("650", 0) == 0) {
      events_.insert(events_.end(), reply.begin(), reply.end());
      continue;
    }
    if (reply.back().rfind("250", 0) != 0) {
      throw std::runtime_error(command.substr(0, command.find(' ')) + ": " + reply.back());
    }
    return reply;
  }
}

std::optional<std::string> TorControlClient::NextEvent(std::chrono::milliseconds timeout) {
  if (events_.empty()) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::optional<std::string> line = ReadLine(deadline);
    if (!line) return std::nullopt;
    events_.push_back(*line);
  }
  std::string ev = events_.front();
  events_.erase(events_.begin());
  return ev;
}

}  // namespace leakmon::testing
