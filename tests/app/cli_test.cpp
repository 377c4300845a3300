// The real leakmon binary: usage, keys, identifier files, scan, and config
// errors, each with its exit code and message.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "tests/support/leakmon_cli.h"

using namespace leakmon::testing;

namespace {

const char* kPeople =
    "kind,value,ref\n"
    "email,Matti.Virtanen@Example.fi,P-1001\n"
    "name,Matti Virtanen,P-1001\n"
    "term,Project Nightjar,\n";

// keygen + hash-ids in `dir`; returns nothing, REQUIREs success.
void MakeIds(const TempDir& dir) {
  REQUIRE(Leakmon({"keygen", "--out", "k.key"}, dir.path()).exit_code == 0);
  dir.Write("people.csv", kPeople);
  auto r = Leakmon({"hash-ids", "--key", "k.key", "--in", "people.csv", "--out", "ids.lmids"}, dir.path());
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("leakmon --version and --help") {
  TempDir dir;
  auto v = Leakmon({"--version"}, dir.path());
  CHECK(v.exit_code == 0);
  CHECK(v.out.rfind("leakmon ", 0) == 0);
  auto h = Leakmon({"--help"}, dir.path());
  CHECK(h.exit_code == 0);
  for (const char* s : {"keygen", "hash-ids", "scan", "crawl", "findings", "export", "Exit codes:",
                        "3  crawl finished, but at least one site failed"}) {
    CHECK(h.out.find(s) != std::string::npos);
  }
  auto bad = Leakmon({"frobnicate"}, dir.path());
  CHECK(bad.exit_code == 2);
  auto none = Leakmon({}, dir.path());
  CHECK(none.exit_code == 2);
}

TEST_CASE("keygen writes a 0600 key and never overwrites one") {
  TempDir dir;
  auto r = Leakmon({"keygen", "--out", "k.key"}, dir.path());
  REQUIRE(r.exit_code == 0);
  struct stat st;
  REQUIRE(::stat(dir.File("k.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::string key = TempDir::Read(dir.File("k.key"));
  CHECK(key.size() == 80);
  CHECK(r.out.find(key.substr(15, 64)) == std::string::npos);  // the key is never printed

  auto again = Leakmon({"keygen", "--out", "k.key"}, dir.path());
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("k.key: already exists") != std::string::npos);
  CHECK(TempDir::Read(dir.File("k.key")) == key);
}

TEST_CASE("hash-ids writes hashes only, binary by default or as text, and scan reads both the same") {
  TempDir dir;
  MakeIds(dir);
  auto t = Leakmon({"hash-ids", "--key", "k.key", "--in", "people.csv", "--out", "ids.csv", "--format", "text"},
                   dir.path());
  REQUIRE(t.exit_code == 0);
  const std::string binary = TempDir::Read(dir.File("ids.lmids"));
  const std::string text = TempDir::Read(dir.File("ids.csv"));
  CHECK(binary.rfind("\x89leakmon-idset\n", 0) == 0);
  CHECK(text.rfind("#leakmon-identifiers format=2 scheme=hmac-sha256+siphash-v2 key=", 0) == 0);
  CHECK(text.find("\nemail,") != std::string::npos);
  CHECK(text.find(",P-1001\n") != std::string::npos);
  for (const std::string* ids : {&binary, &text}) {
    CHECK(ids->find("P-1001") != std::string::npos);
    for (const char* plain : {"Matti", "matti", "Virtanen", "virtanen", "Example", "example", "Nightjar", "nightjar"}) {
      CHECK(ids->find(plain) == std::string::npos);
    }
  }
  struct stat st;
  REQUIRE(::stat(dir.File("ids.lmids").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  dir.Write("page.txt", "Matti Virtanen, matti.virtanen@example.fi, Project Nightjar");
  auto from_binary = Leakmon({"scan", "--key", "k.key", "--ids", "ids.lmids", "page.txt"}, dir.path());
  auto from_text = Leakmon({"scan", "--key", "k.key", "--ids", "ids.csv", "page.txt"}, dir.path());
  REQUIRE(from_binary.exit_code == 0);
  CHECK(from_binary.out.find("page.txt\tname\tP-1001\t") != std::string::npos);
  CHECK(from_binary.out == from_text.out);

  auto bad = Leakmon({"hash-ids", "--key", "k.key", "--in", "people.csv", "--out", "x", "--format", "xml"}, dir.path());
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--format must be binary or text") != std::string::npos);
}

TEST_CASE("A damaged binary identifier file stops scan with a clear error") {
  TempDir dir;
  MakeIds(dir);
  std::string ids = TempDir::Read(dir.File("ids.lmids"));
  dir.Write("cut.lmids", ids.substr(0, ids.size() - 1));
  ids[ids.size() - 3] ^= 0x40;
  dir.Write("flipped.lmids", ids);
  for (const char* name : {"cut.lmids", "flipped.lmids"}) {
    ::chmod(dir.File(name).c_str(), 0600);
    auto r = Leakmon({"scan", "--key", "k.key", "--ids", name, "-"}, dir.path(), Stdin("Matti Virtanen"));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(std::string(name) + ": ") != std::string::npos);
    CHECK(r.err.find("damaged") != std::string::npos);
    CHECK(r.out.empty());
  }
}

TEST_CASE("hash-ids errors name the line, never the value") {
  TempDir dir;
  REQUIRE(Leakmon({"keygen", "--out", "k.key"}, dir.path()).exit_code == 0);
  struct Case {
    std::string csv;
    std::string message;
  };
  auto c = GENERATE(values<Case>({
      {"kind,value,ref\nemail,a@example.fi,P-1\nbogus,+358401234567,P-2\n",
       "people.csv:3: unknown kind (known: email, name, term, email_domain, phone, national_id, iban, payment_card)"},
      {"kind,value,ref\nnational_id,secret-131052-308U,P-1\n", "people.csv:2: national_id: not"},
      {"kind,value,ref\nphone,358401234567999,P-1\n", "people.csv:2: phone: not a"},
      {"kind,value,ref\nemail,secret-not-an-email,P-1\n",
       "people.csv:2: email: not an email address: needs exactly one @"},
      {"kind,value,ref\nname,Secret Person,Secret Person\n", "people.csv:2: ref must be an opaque id"},
      {"name,value\n", "people.csv:1: expected the header kind,value,ref"},
      {"kind,value,ref\nemail\n", "people.csv:2: expected the fields kind,value,ref"},
  }));
  dir.Write("people.csv", c.csv);
  auto r = Leakmon({"hash-ids", "--key", "k.key", "--in", "people.csv", "--out", "ids.lmids"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(c.message) != std::string::npos);
  for (const char* secret : {"secret", "Secret", "358401234567"}) CHECK(r.err.find(secret) == std::string::npos);
}

TEST_CASE("hash-ids refuses to write over its input") {
  TempDir dir;
  REQUIRE(Leakmon({"keygen", "--out", "k.key"}, dir.path()).exit_code == 0);
  dir.Write("people.csv", kPeople);
  auto r = Leakmon({"hash-ids", "--key", "k.key", "--in", "people.csv", "--out", "./people.csv"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK(TempDir::Read(dir.File("people.csv")) == kPeople);
}

TEST_CASE("A key file readable by others is refused with the fix") {
  TempDir dir;
  MakeIds(dir);
  ::chmod(dir.File("k.key").c_str(), 0644);
  auto r = Leakmon({"scan", "--key", "k.key", "--ids", "ids.lmids", "-"}, dir.path(), Stdin("x"));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("chmod 600 k.key") != std::string::npos);
}

TEST_CASE("scan prints identifiers found, never the scanned text") {
  TempDir dir;
  MakeIds(dir);
  const std::string page =
      "<html><body><p>CANARY-7f3a <b>Matti</b> Virtanen matti.virtanen@EXAMPLE.fi "
      "and project nightjar</p></body></html>";
  dir.Write("page.html", page);
  auto text = Leakmon({"scan", "--key", "k.key", "--ids", "ids.lmids", "page.html"}, dir.path());
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("page.html\temail\tP-1001\t") != std::string::npos);
  CHECK(text.out.find("page.html\tname\tP-1001\t") != std::string::npos);
  CHECK(text.out.find("page.html\tterm\t-\t") != std::string::npos);

  auto json = Leakmon({"scan", "--key", "k.key", "--ids", "ids.lmids", "--format", "json", "-"}, dir.path(),
                      Stdin(page));
  REQUIRE(json.exit_code == 0);
  std::size_t lines = 0;
  std::size_t start = 0;
  while (start < json.out.size()) {
    std::size_t nl = json.out.find('\n', start);
    auto j = nlohmann::json::parse(json.out.substr(start, nl - start));
    CHECK(j["source"] == "stdin");
    CHECK(j["hash_prefix"].get<std::string>().size() == 12);
    // email + name of P-1001 on one page: a record match.
    if (j["ref"] == "P-1001") {
      CHECK(j["severity"] == "critical");
      CHECK(j["record"] == true);
    } else {
      CHECK(j["severity"] == "low");
    }
    CHECK(j["strength"] == "exact");
    ++lines;
    start = nl + 1;
  }
  CHECK(lines == 3);
  for (const auto* r : {&text, &json}) {
    for (const char* s : {"CANARY-7f3a", "Matti", "matti", "Virtanen", "nightjar", "EXAMPLE"}) {
      CHECK(r->out.find(s) == std::string::npos);
      CHECK(r->err.find(s) == std::string::npos);
    }
  }
}

TEST_CASE("scan with the wrong key stops with a clear error") {
  TempDir dir;
  MakeIds(dir);
  REQUIRE(Leakmon({"keygen", "--out", "other.key"}, dir.path()).exit_code == 0);
  auto r = Leakmon({"scan", "--key", "other.key", "--ids", "ids.lmids", "-"}, dir.path(), Stdin("x"));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("ids.lmids: the identifiers were hashed with a different key") != std::string::npos);
}

TEST_CASE("crawl: config errors exit 2 naming the file and key") {
  TempDir dir;
  MakeIds(dir);
  const std::string site =
      "[identifiers]\nfile = \"ids.csv\"\nkey_file = \"k.key\"\n"
      "[[site]]\nname = \"s\"\nstart = [\"http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion/\"]\n";
  struct Case {
    std::string toml;
    std::string message;
  };
  auto c = GENERATE_COPY(values<Case>({
      {site + "items = \"(\"\n", "leakmon.toml: site[0].items: pattern does not compile"},
      {site + "items = \"x\"\nmax_page = 3\n", "leakmon.toml:8: site[0].max_page: unknown key"},
      {"[tor]\nproxy = \"socks5://127.0.0.1:9050\"\n" + site + "items = \"x\"\n",
       "leakmon.toml: tor.proxy: must start with socks5h://"},
      {"[identifiers]\nfile = \"missing.csv\"\nkey_file = \"k.key\"\n[[site]]\nname = \"s\"\n"
       "start = [\"http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion/\"]\nitems = \"x\"\n",
       "missing.csv: no such file"},
  }));
  dir.Write("leakmon.toml", c.toml);
  auto r = Leakmon({"crawl", "--config", "leakmon.toml"}, dir.path());
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(c.message) != std::string::npos);
  auto missing = Leakmon({"crawl", "--config", "nope.toml"}, dir.path());
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("nope.toml: no such file") != std::string::npos);
}

TEST_CASE("hash-ids takes every kind and notes temporary HETUs by line, and scan finds them") {
  TempDir dir;
  REQUIRE(Leakmon({"keygen", "--out", "k.key"}, dir.path()).exit_code == 0);
  dir.Write("people.csv",
            "kind,value,ref\n"
            "name,Liisa Mäkinen,P-7\n"
            "national_id,010594Y9032,P-7\n"
            "phone,040 123 4567,P-7\n"
            "iban,FI21 1234 5600 0007 85,P-8\n"
            "payment_card,4111 1111 1111 1111,P-8\n"
            "email_domain,example.fi,\n");
  auto h = Leakmon({"hash-ids", "--key", "k.key", "--in", "people.csv", "--out", "ids.lmids"}, dir.path());
  REQUIRE(h.exit_code == 0);
  CHECK(h.err.find("people.csv:3: Finnish temporary identity code") != std::string::npos);
  CHECK(h.err.find("010594") == std::string::npos);
  dir.Write("dump.txt", "MAKINEN Liisa;010594y9032;+358 40 123 4567\nx@mail.example.fi\n");
  auto s = Leakmon({"scan", "--key", "k.key", "--ids", "ids.lmids", "--format", "json", "dump.txt"}, dir.path());
  REQUIRE(s.exit_code == 0);
  std::map<std::string, nlohmann::json> by_kind;
  std::size_t start = 0;
  while (start < s.out.size()) {
    std::size_t nl = s.out.find('\n', start);
    auto j = nlohmann::json::parse(s.out.substr(start, nl - start));
    by_kind[j["kind"].get<std::string>()] = j;
    start = nl + 1;
  }
  REQUIRE(by_kind.size() == 4);
  CHECK(by_kind["name"]["strength"] == "folded");
  CHECK(by_kind["name"]["record"] == true);
  CHECK(by_kind["national_id"]["severity"] == "critical");
  CHECK(by_kind["phone"]["severity"] == "critical");
  CHECK(by_kind["email_domain"]["severity"] == "low");
  auto bad = Leakmon({"scan", "--key", "k.key", "--ids", "ids.lmids", "--region", "ZZ", "dump.txt"}, dir.path());
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("unknown phone region \"ZZ\"") != std::string::npos);
}
