#include "matcher/email.h"

#include <catch2/catch.hpp>

using namespace leakmon;

TEST_CASE("Emails: canonical forms") {
  struct Case {
    std::string in;
    std::string canonical;
  };
  auto c = GENERATE(values<Case>({
      {"Matti.Virtanen@Example.FI", "matti.virtanen@example.fi"},
      {"  matti@example.fi\n", "matti@example.fi"},
      {"matti\xEF\xBC\xA0" "example.fi", "matti@example.fi"},                // fullwidth @ (NFKC)
      {"liisa@M\xC3\x84KINEN.fi", "liisa@xn--mkinen-bua.fi"},              // IDNA A-label
      {"liisa@xn--mkinen-bua.fi", "liisa@xn--mkinen-bua.fi"},              // already an A-label
      {"Matti.Virtanen+news@Gmail.com", "mattivirtanen@gmail.com"},         // Gmail folding
      {"m.a.t.t.i@googlemail.com", "matti@gmail.com"},
      {"matti.virtanen+news@example.fi", "matti.virtanen+news@example.fi"},  // tags kept elsewhere
      {"o'brien@example.ie", "o'brien@example.ie"},
  }));
  INFO(c.in);
  auto r = CanonicalizeEmail(c.in);
  REQUIRE(r.ok());
  CHECK(*r == c.canonical);
}

TEST_CASE("Emails: malformed addresses are refused without quoting them") {
  auto in = GENERATE(as<std::string>{}, "secret", "secret@", "@secret.fi", "se..cret@example.fi",
                     ".secret@example.fi", "secret@example", "secret@example.123", "secret@-example.fi",
                     "sec ret@example.fi", "secret@exa_mple.fi", "a@b@example.fi", "+tag@gmail.com",
                     "secret@example.fi.");
  auto r = CanonicalizeEmail(in);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("secret") == std::string::npos);
}

TEST_CASE("Email domains, parents, and +tag probes") {
  CHECK(*CanonicalizeDomain("Example.FI") == "example.fi");
  CHECK(*CanonicalizeDomain("@example.fi") == "example.fi");
  CHECK(*CanonicalizeDomain("M\xC3\xA4kinen.fi") == "xn--mkinen-bua.fi");
  CHECK_FALSE(CanonicalizeDomain("localhost").ok());
  CHECK(DomainAndParents("a.b.example.fi") == std::vector<std::string_view>{"a.b.example.fi", "b.example.fi", "example.fi"});
  CHECK(DomainAndParents("example.fi") == std::vector<std::string_view>{"example.fi"});
  CHECK(EmailWithoutTag("matti+news@example.fi") == "matti@example.fi");
  CHECK(EmailWithoutTag("matti@example.fi").empty());
  CHECK(EmailWithoutTag("matti@ex+ample.fi").empty());
}
