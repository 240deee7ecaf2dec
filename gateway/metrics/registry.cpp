// The exposition follows Prometheus' text format 0.0.4: HELP, TYPE, one line per sample, escaped label values.
#include "metrics/registry.h"

#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace dyndns::metrics {
namespace {

std::string escaped(const std::string& value, bool in_help) {
    std::string out;
    for (const char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && !in_help)
            out += "\\\"";
        else
            out += c;
    }
    return out;
}

// The shortest text that reads back as the same double (std::to_chars): le="0.0025", not
// 0.0025000000000000001, and a sample as exact as the value.
std::string number(double value) {
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    if (std::isnan(value)) return "NaN";
    char text[32];
    const auto [end, error] = std::to_chars(text, text + sizeof text, value);
    return error == std::errc() ? std::string(text, end) : "NaN";
}

std::string labels(const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const std::string& extra_name = "", const std::string& extra_value = "") {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (out.empty() ? "" : ",") + names[i] + "=\"" + escaped(values[i], false) + "\"";
    if (!extra_name.empty()) out += (out.empty() ? "" : ",") + extra_name + "=\"" + extra_value + "\"";
    return out.empty() ? "" : "{" + out + "}";
}

const char* type_name(Type type) {
    switch (type) {
    case Type::Counter: return "counter";
    case Type::Gauge: return "gauge";
    case Type::Histogram: return "histogram";
    }
    return "untyped";
}

} // namespace

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1) {}

void Histogram::observe(double value) noexcept {
    std::size_t bucket = 0;
    while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    double sum = sum_.load(std::memory_order_relaxed);
    while (!sum_.compare_exchange_weak(sum, sum + value, std::memory_order_relaxed)) {}
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot snapshot;
    snapshot.upper_bounds = bounds_;
    std::uint64_t running = 0;
    for (const auto& count : counts_) {
        running += count.load(std::memory_order_relaxed);
        snapshot.cumulative.push_back(running);
    }
    snapshot.count = running;
    snapshot.sum = sum_.load(std::memory_order_relaxed);
    return snapshot;
}

Registry::Entry& Registry::add(const std::string& name, const std::string& help, Type type) {
    std::lock_guard lock(mutex_);
    for (const auto& entry : entries_)
        if (entry->name == name) throw std::logic_error("metric " + name + " registered twice");
    entries_.push_back(std::make_unique<Entry>(Entry{name, help, type, nullptr, nullptr, nullptr, nullptr}));
    return *entries_.back();
}

Family<Counter>& Registry::counter(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
    Entry& entry = add(name, help, Type::Counter);
    entry.counters = std::make_unique<Family<Counter>>(std::move(label_names), [] { return std::make_unique<Counter>(); });
    return *entry.counters;
}

Family<Gauge>& Registry::gauge(const std::string& name, const std::string& help, std::vector<std::string> label_names) {
    Entry& entry = add(name, help, Type::Gauge);
    entry.gauges = std::make_unique<Family<Gauge>>(std::move(label_names), [] { return std::make_unique<Gauge>(); });
    return *entry.gauges;
}

Family<Histogram>& Registry::histogram(const std::string& name, const std::string& help, std::vector<double> upper_bounds,
                                       std::vector<std::string> label_names) {
    Entry& entry = add(name, help, Type::Histogram);
    entry.histograms = std::make_unique<Family<Histogram>>(
        std::move(label_names), [bounds = std::move(upper_bounds)] { return std::make_unique<Histogram>(bounds); });
    return *entry.histograms;
}

void Registry::gauge_callback(const std::string& name, const std::string& help, std::function<double()> read) {
    add(name, help, Type::Gauge).read = std::move(read);
}

void Registry::counter_callback(const std::string& name, const std::string& help, std::function<double()> read) {
    add(name, help, Type::Counter).read = std::move(read);
}

std::string Registry::exposition() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& entry : entries_) {
        out += "# HELP " + entry->name + " " + escaped(entry->help, true) + "\n";
        out += "# TYPE " + entry->name + " " + type_name(entry->type) + "\n";
        if (entry->read) {
            out += entry->name + " " + number(entry->read()) + "\n";
        } else if (entry->counters) {
            const auto& names = entry->counters->label_names();
            entry->counters->each([&](const std::vector<std::string>& values, const Counter& c) {
                out += entry->name + labels(names, values) + " " + std::to_string(c.value()) + "\n";
            });
        } else if (entry->gauges) {
            const auto& names = entry->gauges->label_names();
            entry->gauges->each([&](const std::vector<std::string>& values, const Gauge& g) {
                out += entry->name + labels(names, values) + " " + number(g.value()) + "\n";
            });
        } else if (entry->histograms) {
            const auto& names = entry->histograms->label_names();
            entry->histograms->each([&](const std::vector<std::string>& values, const Histogram& h) {
                const auto s = h.snapshot();
                for (std::size_t i = 0; i < s.upper_bounds.size(); ++i)
                    out += entry->name + "_bucket" + labels(names, values, "le", number(s.upper_bounds[i])) + " " +
                           std::to_string(s.cumulative[i]) + "\n";
                out += entry->name + "_bucket" + labels(names, values, "le", "+Inf") + " " + std::to_string(s.count) + "\n";
                out += entry->name + "_sum" + labels(names, values) + " " + number(s.sum) + "\n";
                out += entry->name + "_count" + labels(names, values) + " " + std::to_string(s.count) + "\n";
            });
        }
    }
    return out;
}

std::vector<double> duration_buckets() { return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}; }

} // namespace dyndns::metrics
