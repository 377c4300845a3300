// BodyDecoder: each Content-Encoding decoded in small input pieces and small
// output steps gives the original bytes; corrupt data and unknown codings
// are errors; no step appends more than it was allowed.
#include "crawler/body_decoder.h"

#include <brotli/encode.h>
#include <catch2/catch.hpp>

#include "tests/fixtures/compress.h"

using namespace leakmon;
using leakmon::testing::Deflate;

namespace {

std::string Brotli(const std::string& in) {
  std::size_t size = BrotliEncoderMaxCompressedSize(in.size());
  std::string out(size, '\0');
  REQUIRE(BrotliEncoderCompress(5, 22, BROTLI_MODE_TEXT, in.size(), reinterpret_cast<const std::uint8_t*>(in.data()),
                                &size, reinterpret_cast<std::uint8_t*>(out.data())) == BROTLI_TRUE);
  out.resize(size);
  return out;
}

// Decodes `wire` fed in `piece`-byte pieces, `step` bytes of output at most
// per call; fails the test if a call appends more or makes no progress.
Result<std::string> DecodeAll(BodyDecoder& d, const std::string& wire, std::size_t piece, std::size_t step) {
  std::string out;
  for (std::size_t at = 0; at < wire.size(); at += piece) {
    std::string_view in(wire.data() + at, std::min(piece, wire.size() - at));
    bool more = true;
    while (!in.empty() || more) {
      const std::size_t before_in = in.size(), before_out = out.size();
      LEAKMON_ASSIGN_OR_RETURN(std::size_t made, d.Decode(&in, &out, step));
      REQUIRE(made <= step);
      REQUIRE(out.size() == before_out + made);
      REQUIRE((made > 0 || in.size() < before_in || in.empty()));
      more = made == step;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("Every supported Content-Encoding decodes in small pieces and steps") {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "paste " + std::to_string(i) + " Liisa M\xC3\xA4kinen\n";
  struct Case {
    const char* coding;
    std::string wire;
  };
  auto c = GENERATE_COPY(values<Case>({
      {"", text},
      {"identity", text},
      {"gzip", Deflate(text, 15 + 16)},
      {"X-Gzip", Deflate(text, 15 + 16)},
      {"gzip", Deflate(text, 15)},  // zlib framing labelled gzip
      {"deflate", Deflate(text, 15)},
      {"deflate", Deflate(text, -15)},  // raw deflate, as some servers send
      {"br", Brotli(text)},
  }));
  auto piece = GENERATE(as<std::size_t>{}, 7, 1000, 1 << 20);
  INFO(c.coding << " in pieces of " << piece);
  auto d = BodyDecoder::Create(c.coding);
  REQUIRE(d.ok());
  Result<std::string> out = DecodeAll(**d, c.wire, piece, 4096);
  REQUIRE(out.ok());
  CHECK(*out == text);
}

TEST_CASE("A decompression bomb comes out one bounded step at a time") {
  const std::string wire = Deflate(std::string(50u << 20, '\0'), 15 + 16);  // ~50 KB
  auto d = BodyDecoder::Create("gzip");
  REQUIRE(d.ok());
  std::string_view in(wire);
  std::string out;
  REQUIRE(*(*d)->Decode(&in, &out, 16384) == 16384);
  CHECK(out.size() == 16384);
  CHECK(!in.empty());  // the rest waits for the next step
}

TEST_CASE("Corrupt bodies and unknown codings are errors") {
  CHECK(!BodyDecoder::Create("compress").ok());
  CHECK(!BodyDecoder::Create("gzip, br").ok());
  CHECK(!BodyDecoder::Create("zstd").ok());
  for (const char* coding : {"gzip", "deflate", "br"}) {
    INFO(coding);
    auto d = BodyDecoder::Create(coding);
    REQUIRE(d.ok());
    const std::string junk = "\x1f\x8b\x08\xff this is not a compressed stream at all, not even close ......";
    CHECK(!DecodeAll(**d, junk, 1 << 20, 4096).ok());
  }
}
