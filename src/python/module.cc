// The Python module `unspin` (its compiled part, `unspin._unspin`): the
// library's engine as plain Python objects. Work runs with the GIL
// released, so threads calling one Engine scale.
//
//   import unspin
//   engine = unspin.Engine()            # the default model
//   engine.detect(text)["spans"]        # offsets are str indexes
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "decoder/decoder.h"
#include "decoder/suggest.h"
#include "io/jsonl.h"
#include "io/result_json.h"
#include "util/file_io.h"
#include "spin/profile.h"
#include "spin/spinner.h"
#include "trace/index.h"
#include "trace/restored_query.h"
#include "util/random.h"

namespace py = pybind11;

namespace unspin {
namespace {

// Raised for a model or index that is missing, damaged or of another
// version; bad arguments raise ValueError.
py::object& ModelError() {
  static py::object error;
  return error;
}

[[noreturn]] void Raise(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kInvalidInput:
    case StatusCode::kResourceExhausted:
      throw py::value_error(status.message());
    default:
      PyErr_SetString(ModelError().ptr(), status.message().c_str());
      throw py::error_already_set();
  }
}

// Maps byte offsets of a UTF-8 text to str indexes (code points).
class CodePoints {
 public:
  explicit CodePoints(const std::string& text) : text_(text) {}
  // `byte` must not decrease from one call to the next.
  size_t At(size_t byte) {
    for (; byte_ < byte && byte_ < text_.size(); ++byte_) {
      if ((static_cast<unsigned char>(text_[byte_]) & 0xC0) != 0x80) ++index_;
    }
    return index_;
  }

 private:
  const std::string& text_;
  size_t byte_ = 0, index_ = 0;
};

// A str as UTF-8. A str that has none (lone surrogates) raises Python's
// UnicodeEncodeError, a ValueError that names the position.
std::string Utf8(const py::str& text) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size);
  if (data == nullptr) throw py::error_already_set();
  return std::string(data, static_cast<size_t>(size));
}

std::string DefaultModelDir() {
  if (const char* env = std::getenv("UNSPIN_MODEL"); env != nullptr && *env != '\0') return env;
  return UNSPIN_DEFAULT_MODEL;
}

// Decoders and suggesters kept between calls. Neither is thread-safe, and
// making one copies the channel's tables and starts its caches cold (a
// decoder about 10 ms, far more than screening a page; a suggester 15 ms).
// A call borrows an idle one (or makes one) and gives it back when done.
// At most one idle per core (or 2) is kept, so memory stays bounded
// however many threads once called at the same time.
template <typename T>
class KeptPool {
 public:
  explicit KeptPool(std::function<std::unique_ptr<T>()> make)
      : make_(std::move(make)), max_idle_(std::max<size_t>(2, std::thread::hardware_concurrency())) {}

  class Lease {
   public:
    Lease(KeptPool* pool, std::unique_ptr<T> object) : pool_(pool), object_(std::move(object)) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), object_(std::move(other.object_)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (object_ != nullptr) pool_->GiveBack(std::move(object_));
    }
    T& operator*() const { return *object_; }
    T* operator->() const { return object_.get(); }

   private:
    KeptPool* pool_;
    std::unique_ptr<T> object_;
  };

  Lease Take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<T> object = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(object));
      }
    }
    return Lease(this, make_());
  }

  size_t idle() {
    std::lock_guard lock(mutex_);
    return idle_.size();
  }

 private:
  void GiveBack(std::unique_ptr<T> object) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_) idle_.push_back(std::move(object));
  }  // else `object` is destroyed here, after the lock is released

  const std::function<std::unique_ptr<T>()> make_;
  const size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<T>> idle_;
};

class Engine {
 public:
  explicit Engine(const std::string& model_dir) {
    const std::string dir = model_dir.empty() ? DefaultModelDir() : model_dir;
    auto model = Model::Open(dir);
    if (!model.ok()) Raise(model.status().WithContext("loading model " + dir));
    model_ = std::move(*model);
    const Model& m = *model_;
    decoders_ = std::make_unique<KeptPool<Decoder>>([&m] { return std::make_unique<Decoder>(m); });
    suggesters_ = std::make_unique<KeptPool<Suggester>>([&m] { return std::make_unique<Suggester>(m); });
  }

  py::list Suggest(const py::str& phrase_str, const py::str& context_str, int top) {
    const std::string phrase = Utf8(phrase_str), context = Utf8(context_str);
    if (top < 1 || top > 100) throw py::value_error("top must be between 1 and 100");
    std::vector<Suggestion> suggestions;
    Status status;
    {
      py::gil_scoped_release release;
      status = suggesters_->Take()->Suggest(phrase, context, top, &suggestions);
    }
    if (!status.ok()) Raise(status);
    py::list out;
    for (const Suggestion& s : suggestions) {
      py::dict d;
      d["original"] = s.original;
      d["score"] = s.score;
      py::list sources;
      for (const std::string& name : s.sources) sources.append(name);
      d["sources"] = sources;
      d["source"] = s.MainSource();
      d["evidence"] = s.evidence;
      out.append(d);
    }
    return out;
  }

  py::dict Kept() const {
    py::dict out;
    out["decoders"] = decoders_->idle();
    out["suggesters"] = suggesters_->idle();
    return out;
  }

  py::dict Detect(const py::str& text_str, double threshold) {
    const std::string text = Utf8(text_str);
    DecodeResult r;
    {
      py::gil_scoped_release release;
      Decode(text, threshold, &r);
    }
    return DetectDict(text, r);
  }

  // The two-stage pipeline (decoder/screen.h): a document the screen
  // clears is {screened: "clear", screen_score, spun: False, words}; one it
  // passes on is detect's dict with screened: "passed" and screen_score.
  py::dict Screen(const py::str& text_str, double threshold) {
    const std::string text = Utf8(text_str);
    ScreenResult screen;
    DecodeResult r;
    bool decoded = false;
    {
      py::gil_scoped_release release;
      decoded = ScreenThenDecode(*DecoderFor(threshold), text, &screen, &r);
    }
    py::dict out;
    if (decoded) {
      out = DetectDict(text, r);
      out["screened"] = "passed";
    } else {
      out["screened"] = "clear";
      out["spun"] = false;
      out["words"] = screen.words;
      if (screen.sampled()) out["screened_words"] = screen.screened_words;
    }
    out["screen_score"] = screen.score;
    return out;
  }

  std::string Restore(const py::str& text_str, double threshold) {
    const std::string text = Utf8(text_str);
    DecodeResult r;
    {
      py::gil_scoped_release release;
      Decode(text, threshold, &r);
    }
    return r.restored;
  }

  py::dict Spin(const py::str& text_str, const std::string& profile, double rate, uint64_t seed) {
    const std::string text = Utf8(text_str);
    auto p = FindProfile(profile);
    if (!p.ok()) Raise(p.status());
    if (!(rate >= 0 && rate <= 1)) throw py::value_error("rate must be between 0 and 1");
    SpinResult r;
    {
      py::gil_scoped_release release;
      SpinOptions options;
      options.rate = rate;
      options.profile = *p;
      Spinner spinner(model_->lexicon(), options);
      Rng rng(seed);
      spinner.Spin(text, &rng, &r);
    }
    py::list swaps;
    CodePoints in_text(text), in_spun(r.text);
    for (const SpinSwap& s : r.swaps) {
      py::dict swap;
      swap["original"] = s.original;
      swap["spun"] = s.spun;
      swap["original_start"] = in_text.At(s.original_begin);
      swap["original_end"] = in_text.At(s.original_end);
      swap["spun_start"] = in_spun.At(s.spun_begin);
      swap["spun_end"] = in_spun.At(s.spun_end);
      swap["source"] = SourceName(s.source);
      swaps.append(swap);
    }
    py::dict out;
    out["text"] = r.text;
    out["swaps"] = swaps;
    return out;
  }

  // Adds (id, text) pairs to the index in `index_dir` (made if missing),
  // in one transaction: {"added": n, "refused": [(id, reason), ...]}.
  py::dict IndexAdd(const std::string& index_dir, const std::vector<std::pair<std::string, std::string>>& docs) {
    AddReport report;
    Status status;
    std::vector<IndexDoc> batch;
    batch.reserve(docs.size());
    for (const auto& [id, text] : docs) batch.push_back({id, text});
    {
      py::gil_scoped_release release;
      auto index = TraceIndex::Open(index_dir, model_->lexicon(), TraceIndex::kCreate);
      status = index.ok() ? (*index)->Add(batch, &report) : index.status();
    }
    if (!status.ok()) Raise(status);
    py::list refused;
    for (const auto& [position, reason] : report.refused) refused.append(py::make_tuple(batch[position].id, reason));
    py::dict out;
    out["added"] = report.added;
    out["refused"] = refused;
    return out;
  }

  py::list Trace(const py::str& text_str, const std::string& index_dir, size_t top, double threshold, bool restore) {
    const std::string text = Utf8(text_str);
    if (!(threshold >= 0 && threshold <= 1)) throw py::value_error("threshold must be between 0 and 1");
    Result<std::vector<TraceMatch>> matches = std::vector<TraceMatch>();
    Status open_status;
    {
      py::gil_scoped_release release;
      // An index handle is not thread-safe and opens in well under a
      // millisecond: one per call.
      auto index = TraceIndex::Open(index_dir, model_->lexicon(), TraceIndex::kReadOnly);
      if (!index.ok()) {
        open_status = index.status();
      } else {
        TraceQueryOptions options;
        options.max_results = top;
        options.threshold = threshold;
        if (restore) {
          const KeptPool<Decoder>::Lease decoder = DecoderFor(-1.0);
          matches = QueryWithRestoration(**index, &*decoder, text, options);
        } else {
          matches = QueryWithRestoration(**index, nullptr, text, options);
        }
      }
    }
    if (!open_status.ok()) Raise(open_status);
    if (!matches.ok()) Raise(matches.status());
    py::list out;
    for (const TraceMatch& m : *matches) {
      py::list evidence;
      for (const TraceEvidence& e : m.evidence) {
        py::dict d;
        d["text"] = e.query_text;
        d["source_text"] = e.source_text;
        d["byte_start"] = e.query_begin;
        d["byte_end"] = e.query_end;
        d["source_byte_start"] = e.source_begin;
        d["source_byte_end"] = e.source_end;
        evidence.append(d);
      }
      py::dict match;
      match["id"] = m.id;
      match["similarity"] = m.similarity;
      if (m.restored_similarity > 0) match["restored_similarity"] = m.restored_similarity;
      match["source_coverage"] = m.source_coverage;
      match["words"] = m.query_words;
      match["source_words"] = m.source_words;
      match["shared_words"] = m.shared_words;
      match["evidence"] = evidence;
      out.append(match);
    }
    return out;
  }

  // Screens a JSONL file as `unspin detect --jsonl` does, record for record:
  // one output line per non-blank input line, in order, bad lines as error
  // records. The output is written and fsync'd before this returns, so a
  // caller that renames it into place afterwards publishes it whole.
  // screen: through the two-stage pipeline, as `unspin screen --jsonl`.
  py::dict DetectJsonl(const std::string& input, const std::string& output, double threshold,
                       size_t max_record_bytes, bool screen) {
    uint64_t records = 0, errors = 0;
    Status status;
    {
      py::gil_scoped_release release;
      status = JsonlFile(input, output, threshold, max_record_bytes, screen, &records, &errors);
    }
    if (!status.ok()) {
      if (status.code() == StatusCode::kNotFound || status.code() == StatusCode::kIoError) {
        PyErr_SetString(PyExc_OSError, status.message().c_str());
        throw py::error_already_set();
      }
      Raise(status);
    }
    py::dict out;
    out["records"] = records;
    out["errors"] = errors;
    return out;
  }

 private:
  Status JsonlFile(const std::string& input, const std::string& output, double threshold, size_t max_record_bytes,
                   bool screen, uint64_t* records, uint64_t* errors) const {
    const int in = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return IoError("cannot open " + input + ": " + std::strerror(errno));
    std::FILE* out = std::fopen(output.c_str(), "wb");
    if (out == nullptr) {
      ::close(in);
      return IoError("cannot create " + output + ": " + std::strerror(errno));
    }
    const KeptPool<Decoder>::Lease decoder = DecoderFor(threshold);
    JsonlReader reader(in, max_record_bytes, /*replace_invalid=*/false);
    DecodeResult r;
    Status status = ForEachJsonlResult(
        reader,
        [&](const JsonlItem& item) {
          nlohmann::json record;
          if (screen) {
            record = ScreenAndDetectJson(*decoder, item.text);
          } else {
            decoder->DecodeDocument(item.text, &r);
            record = DetectJson(r);
          }
          record["id"] = item.id;
          return record;
        },
        [&](const std::string& line) { return WriteAll(out, line); }, records, errors);
    if (!status.ok()) status = status.WithContext(input);
    ::close(in);
    if (status.ok() && (std::fflush(out) != 0 || ::fsync(fileno(out)) != 0)) {
      status = IoError("writing " + output + ": " + std::strerror(errno));
    }
    if (std::fclose(out) != 0 && status.ok()) status = IoError("closing " + output + ": " + std::strerror(errno));
    return status;
  }

  // detect's dict of `r`, a result for `text`: span offsets as str indexes.
  static py::dict DetectDict(const std::string& text, const DecodeResult& r) {
    py::list spans;
    CodePoints index(text);
    for (const RestoredSpan& s : r.spans) {
      py::dict span;
      span["start"] = index.At(s.begin);
      span["end"] = index.At(s.end);
      span["byte_start"] = s.begin;
      span["byte_end"] = s.end;
      span["text"] = s.text;
      span["original"] = s.original;
      span["confidence"] = s.confidence;
      span["original_confidence"] = s.original_confidence;
      if (s.quoted) span["quoted"] = true;
      spans.append(span);
    }
    py::dict out;
    out["score"] = r.probability;
    out["spun"] = r.spun;
    out["words"] = r.words;
    out["spans"] = spans;
    out["restored"] = r.restored;
    py::dict listed;
    listed["count"] = r.listed_phrases;
    listed["by_term"] = r.listed_by_term;
    listed["per_1000_words"] = r.ListedPhrasesPer1000Words();
    out["listed_phrases"] = listed;
    if (r.routed) {
      py::dict profile;
      profile["name"] = r.profile;
      profile["probability"] = r.profile_probability;
      out["profile"] = profile;
    }
    return out;
  }

  // A kept decoder flagging spans at `threshold` (below 0: the channel's).
  KeptPool<Decoder>::Lease DecoderFor(double threshold) const {
    KeptPool<Decoder>::Lease decoder = decoders_->Take();
    decoder->set_flag_threshold(threshold >= 0 ? threshold : model_->channel().flag_threshold);
    return decoder;
  }

  void Decode(const std::string& text, double threshold, DecodeResult* r) const {
    DecoderFor(threshold)->DecodeDocument(text, r);
  }

  std::unique_ptr<Model> model_;
  // After model_, so destroyed before it.
  std::unique_ptr<KeptPool<Decoder>> decoders_;
  std::unique_ptr<KeptPool<Suggester>> suggesters_;
};

}  // namespace
}  // namespace unspin

PYBIND11_MODULE(_unspin, m) {
  using unspin::Engine;
  m.doc() = "unspin: detect and reverse machine-spun text";
  unspin::ModelError() = py::exception<std::runtime_error>(m, "ModelError", PyExc_RuntimeError);
  py::class_<Engine>(m, "Engine")
      .def(py::init<const std::string&>(), py::arg("model") = "",
           "Loads a model directory (default: $UNSPIN_MODEL, else the build's default model).")
      .def("detect", &Engine::Detect, py::arg("text"), py::arg("threshold") = -1.0,
           "Score a text and mark its spun spans: {score, spun, words, spans, restored}; span offsets are str "
           "indexes (byte_start/byte_end: UTF-8 bytes).")
      .def("restore", &Engine::Restore, py::arg("text"), py::arg("threshold") = -1.0,
           "The text with each flagged span replaced by its likely original.")
      .def("suggest", &Engine::Suggest, py::arg("phrase"), py::arg("context") = "", py::arg("top") = 5,
           "The likely originals of a suspicious phrase, best first: [{original, score, source, sources, "
           "evidence}].")
      .def("spin", &Engine::Spin, py::arg("text"), py::arg("profile") = "phrase", py::arg("rate") = 0.2,
           py::arg("seed") = 1, "Spin a text: {text, swaps}.")
      .def("index_add", &Engine::IndexAdd, py::arg("index"), py::arg("docs"),
           "Add (id, text) pairs to a trace index (made if missing), in one transaction.")
      .def("trace", &Engine::Trace, py::arg("text"), py::arg("index"), py::arg("top") = 5,
           py::arg("threshold") = 0.3, py::arg("restore") = true,
           "The indexed documents the text was copied from, best first. restore=True also traces the text's "
           "restoration, which finds copies whose spinner swapped names and stock phrases.")
      .def("_kept", &Engine::Kept, "Decoders and suggesters kept for later calls (for tests).")
      .def("screen", &Engine::Screen, py::arg("text"), py::arg("threshold") = -1.0,
           "detect behind the fast first pass: a text the screen clears is {screened: 'clear', screen_score, spun: "
           "False, words}; one it passes on is detect's result with screened: 'passed' and screen_score.")
      .def("detect_jsonl", &Engine::DetectJsonl, py::arg("input"), py::arg("output"), py::arg("threshold") = -1.0,
           py::arg("max_record_bytes") = size_t{64} << 20, py::arg("screen") = false,
           "Detect spun text in a JSONL file of {id, text} records as `unspin detect --jsonl` does (screen=True: "
           "as `unspin screen --jsonl`, the screen first), writing one result line per input line to `output` "
           "(fsync'd): {records, errors}.");
}
