#include "common/url.h"

#include <catch2/catch.hpp>

TEST_CASE("ResolveUrl resolves links against the page URL") {
  struct Case {
    std::string base, ref, want;
  };
  auto c = GENERATE(values<Case>({
      {"http://a.onion/latest", "/paste/1", "http://a.onion/paste/1"},
      {"http://a.onion/dir/page", "x", "http://a.onion/dir/x"},
      {"http://a.onion/latest", "?page=2", "http://a.onion/latest?page=2"},
      {"http://a.onion/latest", "/paste/1#frag", "http://a.onion/paste/1"},
      {"http://a.onion/latest", "http://b.onion/y", "http://b.onion/y"},
      {"http://a.onion/x/y", "../z", "http://a.onion/z"},
  }));
  auto r = leakmon::ResolveUrl(c.base, c.ref);
  REQUIRE(r.ok());
  CHECK(*r == c.want);
}

TEST_CASE("ParseUrl lowercases scheme and host and fills default ports") {
  auto u = leakmon::ParseUrl("HTTP://ABC.Onion/Path");
  REQUIRE(u.ok());
  CHECK(u->scheme == "http");
  CHECK(u->host == "abc.onion");
  CHECK(u->port == 80);
  CHECK_FALSE(leakmon::ParseUrl("not a url").ok());
  CHECK_FALSE(leakmon::ParseUrl("/relative").ok());
}
