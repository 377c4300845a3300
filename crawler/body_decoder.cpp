#include "crawler/body_decoder.h"

#include <algorithm>
#include <brotli/decode.h>
#include <cctype>
#include <zlib.h>

namespace leakmon {
namespace {

class Identity : public BodyDecoder {
 public:
  Result<std::size_t> Decode(std::string_view* in, std::string* out, std::size_t max_out) override {
    const std::size_t n = std::min(in->size(), max_out);
    out->append(in->data(), n);
    in->remove_prefix(n);
    return n;
  }
};

// Appends up to `max_out` bytes to `out` with `produce(buffer, room)`,
// which returns how many it wrote; `out` keeps exactly those.
template <typename Produce>
Result<std::size_t> AppendProduced(std::string* out, std::size_t max_out, Produce produce) {
  const std::size_t before = out->size();
  out->resize(before + max_out);
  Result<std::size_t> made = produce(reinterpret_cast<unsigned char*>(out->data() + before), max_out);
  out->resize(before + (made.ok() ? *made : 0));
  return made;
}

// gzip and deflate through zlib.
class Inflate : public BodyDecoder {
 public:
  explicit Inflate(bool gzip) : gzip_(gzip) {}
  ~Inflate() override {
    if (started_) inflateEnd(&z_);
  }

  Result<std::size_t> Decode(std::string_view* in, std::string* out, std::size_t max_out) override {
    if (ended_) {
      in->remove_prefix(in->size());
      return std::size_t{0};
    }
    if (!started_) {
      if (in->empty()) return std::size_t{0};
      // gzip: a gzip header. deflate: a zlib header (RFC 1950: method 8,
      // header a multiple of 31) or else raw deflate.
      int bits = 15 + 32;  // gzip, or zlib framing mislabelled as gzip
      if (!gzip_) {
        const auto* p = reinterpret_cast<const unsigned char*>(in->data());
        const bool zlib = in->size() >= 2 && (p[0] & 0x0F) == 8 && ((p[0] << 8) | p[1]) % 31 == 0;
        bits = zlib ? 15 : -15;
      }
      if (inflateInit2(&z_, bits) != Z_OK) return Status::Internal("zlib failed to initialize");
      started_ = true;
    }
    return AppendProduced(out, max_out, [&](unsigned char* buf, std::size_t room) -> Result<std::size_t> {
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in->data()));
      z_.avail_in = static_cast<uInt>(std::min<std::size_t>(in->size(), 1u << 30));
      z_.next_out = buf;
      z_.avail_out = static_cast<uInt>(room);
      const int rc = inflate(&z_, Z_NO_FLUSH);
      const std::size_t consumed = static_cast<std::size_t>(z_.next_in - reinterpret_cast<const Bytef*>(in->data()));
      in->remove_prefix(consumed);
      if (rc == Z_STREAM_END) {
        ended_ = true;
        in->remove_prefix(in->size());
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::InvalidArgument(std::string(gzip_ ? "gzip" : "deflate") + " body is corrupt");
      }
      return room - z_.avail_out;
    });
  }

 private:
  bool gzip_;
  bool started_ = false;
  bool ended_ = false;
  z_stream z_{};
};

class Brotli : public BodyDecoder {
 public:
  Brotli() : state_(BrotliDecoderCreateInstance(nullptr, nullptr, nullptr)) {}
  ~Brotli() override {
    if (state_) BrotliDecoderDestroyInstance(state_);
  }

  Result<std::size_t> Decode(std::string_view* in, std::string* out, std::size_t max_out) override {
    if (!state_) return Status::Internal("brotli failed to initialize");
    if (ended_) {
      in->remove_prefix(in->size());
      return std::size_t{0};
    }
    return AppendProduced(out, max_out, [&](unsigned char* buf, std::size_t room) -> Result<std::size_t> {
      std::size_t avail_in = in->size();
      const auto* next_in = reinterpret_cast<const std::uint8_t*>(in->data());
      std::size_t avail_out = room;
      std::uint8_t* next_out = buf;
      const BrotliDecoderResult rc =
          BrotliDecoderDecompressStream(state_, &avail_in, &next_in, &avail_out, &next_out, nullptr);
      in->remove_prefix(in->size() - avail_in);
      if (rc == BROTLI_DECODER_RESULT_ERROR) return Status::InvalidArgument("br body is corrupt");
      if (rc == BROTLI_DECODER_RESULT_SUCCESS) {
        ended_ = true;
        in->remove_prefix(in->size());
      }
      return room - avail_out;
    });
  }

 private:
  BrotliDecoderState* state_;
  bool ended_ = false;
};

std::string Trimmed(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<BodyDecoder>> BodyDecoder::Create(std::string_view content_encoding) {
  const std::string name = Trimmed(content_encoding);
  if (name.empty() || name == "identity") return std::unique_ptr<BodyDecoder>(new Identity());
  if (name == "gzip" || name == "x-gzip") return std::unique_ptr<BodyDecoder>(new Inflate(true));
  if (name == "deflate") return std::unique_ptr<BodyDecoder>(new Inflate(false));
  if (name == "br") return std::unique_ptr<BodyDecoder>(new Brotli());
  return Status::InvalidArgument("unsupported Content-Encoding " + name.substr(0, 40));
}

}  // namespace leakmon
