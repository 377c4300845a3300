// The secret key, end to end with the real binary (app/secrets.cpp and the
// commands that load it): a key file others can read is refused with the
// fix, the key never appears in any output, error or file leakmon writes,
// and hash-ids never writes over its input or the key.
#include <catch2/catch.hpp>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/fixtures/demo_content.h"
#include "tests/fixtures/paste_site.h"
#include "tests/fixtures/socks5_proxy.h"
#include "tests/support/crawl_dir.h"

using namespace leakmon::testing;

namespace {

// Every 10-hex-digit window of the key (40 bits: no chance match in a few
// kilobytes of hashes), and the raw key bytes.
std::vector<std::string> KeyNeedles(const std::string& key_file_text) {
  const std::string hex = key_file_text.substr(std::string("leakmon-key v1 ").size(), 64);
  REQUIRE(hex.size() == 64);
  std::vector<std::string> needles;
  for (std::size_t i = 0; i + 10 <= hex.size(); ++i) needles.push_back(hex.substr(i, 10));
  std::string raw;
  for (std::size_t i = 0; i < hex.size(); i += 2) raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  needles.push_back(raw.substr(0, 16));
  needles.push_back(raw.substr(16, 16));
  return needles;
}

void CheckNoKey(const std::string& where, const std::string& haystack, const std::vector<std::string>& needles) {
  for (const std::string& n : needles) {
    INFO(where << " must not contain key material");
    CHECK(haystack.find(n) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("A key file that group or others can read is refused by every command, with the fix") {
  PasteSite site;
  DemoContent content = InstallDemoContent(site, "CANARY-secrets");
  CrawlDir dir(DemoConfig("socks5h://127.0.0.1:9"), content.people_csv);
  auto mode = GENERATE(0640, 0604, 0644, 0660, 0606, 0700 | 0040);
  auto args = GENERATE(std::vector<std::string>{"crawl", "--config", "leakmon.toml"},
                       std::vector<std::string>{"scan", "--key", "leakmon.key", "--ids", "identifiers.lmids", "-"},
                       std::vector<std::string>{"hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out",
                                                "other.csv"});
  REQUIRE(::chmod(dir.File("leakmon.key").c_str(), static_cast<mode_t>(mode)) == 0);
  ProcessResult r = dir.Run(args, Stdin("x"));
  INFO(args[0] << " with key mode " << std::oct << mode << ": " << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("readable by group or others") != std::string::npos);
  // The path in the fix is the one the command used (the config resolves it).
  CHECK(r.err.find("chmod 600 ") != std::string::npos);
  CHECK(r.err.find("leakmon.key`") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.File("other.csv")));
  CHECK_FALSE(std::filesystem::exists(dir.File("leakmon.db")));
}

TEST_CASE("The key appears in no output, error or file, on success or failure, at the most verbose level") {
  PasteSite site;
  DemoContent content = InstallDemoContent(site, "CANARY-secrets");
  REQUIRE(site.Start() > 0);
  Socks5Proxy proxy;
  proxy.MapAllOnion(site.port());
  REQUIRE(proxy.Start() > 0);
  CrawlDir dir(DemoConfig(proxy.url()), content.people_csv);
  const std::string key_text = dir.KeyText();
  const std::vector<std::string> needles = KeyNeedles(key_text);

  std::vector<ProcessResult> outputs;
  auto run = [&](std::vector<std::string> args, ProcessOptions options = {}) {
    args.push_back("-v");
    outputs.push_back(dir.Run(args, options));
    return outputs.back();
  };
  CHECK(run({"crawl", "--config", "leakmon.toml"}).exit_code == 0);
  CHECK(run({"scan", "--key", "leakmon.key", "--ids", "identifiers.lmids", "-"}, Stdin("Matti Virtanen")).exit_code == 0);
  CHECK(run({"findings", "--config", "leakmon.toml"}).exit_code == 0);
  CHECK(run({"export", "--config", "leakmon.toml", "--format", "json", "--out", "export.json"}).exit_code == 0);
  CHECK(run({"keygen", "--out", "leakmon.key"}).exit_code == 2);  // exists
  // A key file with the key's own hex as a malformed key: the error must not quote it.
  dir.dir().Write("bad.key", key_text.substr(0, key_text.size() - 2) + "\n", 0600);
  CHECK(run({"scan", "--key", "bad.key", "--ids", "identifiers.lmids", "-"}, Stdin("x")).exit_code == 2);
  dir.dir().Write("bad2.key", key_text.substr(std::string("leakmon-key v1 ").size()), 0600);
  CHECK(run({"scan", "--key", "bad2.key", "--ids", "identifiers.lmids", "-"}, Stdin("x")).exit_code == 2);
  // The key file given where the identifier file belongs, and as a page to scan.
  CHECK(run({"scan", "--key", "leakmon.key", "--ids", "leakmon.key", "-"}, Stdin("x")).exit_code == 2);
  CHECK(run({"scan", "--key", "leakmon.key", "--ids", "identifiers.lmids", "leakmon.key"}).exit_code == 0);
  // The key file given as the people list and as the config.
  CHECK(run({"hash-ids", "--key", "leakmon.key", "--in", "leakmon.key", "--out", "x.csv"}).exit_code == 2);
  CHECK(run({"crawl", "--config", "leakmon.key"}).exit_code == 2);
  // Wrong key for the identifier file, and the proxy down.
  CHECK(run({"keygen", "--out", "other.key"}).exit_code == 0);
  CHECK(run({"scan", "--key", "other.key", "--ids", "identifiers.lmids", "-"}, Stdin("x")).exit_code == 2);
  proxy.Stop();
  CHECK(run({"crawl", "--config", "leakmon.toml"}).exit_code == 1);

  for (const ProcessResult& r : outputs) {
    CheckNoKey("stdout", r.out, needles);
    CheckNoKey("stderr", r.err, needles);
  }
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    std::string name = e.path().filename();
    if (name.find(".key") != std::string::npos) continue;  // the key files themselves
    CheckNoKey(name, TempDir::Read(e.path()), needles);
  }
}

TEST_CASE("hash-ids refuses to write over its input or its key, however the path is spelled") {
  PasteSite site;
  DemoContent content = InstallDemoContent(site, "CANARY-secrets");
  CrawlDir dir(DemoConfig("socks5h://127.0.0.1:9"), content.people_csv);
  const std::string people = TempDir::Read(dir.File("people.csv"));
  const std::string key = dir.KeyText();
  REQUIRE(::link(dir.File("people.csv").c_str(), dir.File("hardlink.csv").c_str()) == 0);
  REQUIRE(::symlink("people.csv", dir.File("symlink.csv").c_str()) == 0);
  REQUIRE(::symlink("leakmon.key", dir.File("key-link").c_str()) == 0);
  auto out = GENERATE(as<std::string>{}, "people.csv", "./people.csv", "hardlink.csv", "symlink.csv",
                      "leakmon.key", "./leakmon.key", "key-link");
  ProcessResult r = dir.Run({"hash-ids", "--key", "leakmon.key", "--in", "people.csv", "--out", out});
  INFO("--out " << out << ": " << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("refusing to write") != std::string::npos);
  CHECK(TempDir::Read(dir.File("people.csv")) == people);
  CHECK(dir.KeyText() == key);
}
