#include "crawler/socks_probe.h"

#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/socks5_proxy.h"

TEST_CASE("The probe accepts a SOCKS5 server") {
  leakmon::testing::Socks5Proxy proxy;
  REQUIRE(proxy.Start() > 0);
  CHECK(leakmon::ProbeSocks5(proxy.url()).ok());
}

TEST_CASE("The probe names the proxy when nothing listens") {
  // Grab a free port, then close it so nothing listens there.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);
  leakmon::Status s = leakmon::ProbeSocks5("socks5h://127.0.0.1:" + std::to_string(port), 2000);
  CHECK(s.code() == leakmon::Status::Code::kUnavailable);
  CHECK(s.message().find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(s.message().find("Connection refused") != std::string::npos);
}

TEST_CASE("The probe refuses a server that is not SOCKS5") {
  leakmon::testing::PasteSite http;  // an HTTP server answers garbage to a SOCKS greeting
  REQUIRE(http.Start() > 0);
  leakmon::Status s = leakmon::ProbeSocks5("socks5h://127.0.0.1:" + std::to_string(http.port()), 3000);
  CHECK_FALSE(s.ok());
}
