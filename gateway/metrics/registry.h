// Prometheus-style metrics: counters, gauges and histograms in labelled families, and their text exposition.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dyndns::metrics {

class Counter {
public:
    void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
    void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
    void add(double d) noexcept {
        double v = value_.load(std::memory_order_relaxed);
        while (!value_.compare_exchange_weak(v, v + d, std::memory_order_relaxed)) {}
    }
    double value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0};
};

class Histogram {
public:
    explicit Histogram(std::vector<double> upper_bounds);
    void observe(double value) noexcept;

    struct Snapshot {
        std::vector<double> upper_bounds;
        std::vector<std::uint64_t> cumulative; // one per bound, then +Inf
        double sum = 0;
        std::uint64_t count = 0;
    };
    Snapshot snapshot() const;

private:
    const std::vector<double> bounds_;
    std::vector<std::atomic<std::uint64_t>> counts_; // per bucket (not cumulative), the last is +Inf
    std::atomic<double> sum_{0};
};

enum class Type { Counter, Gauge, Histogram };

// One metric name with its help, type and label names; one child per distinct label values.
template <class Metric>
class Family {
public:
    Family(std::vector<std::string> label_names, std::function<std::unique_ptr<Metric>()> make)
        : label_names_(std::move(label_names)), make_(std::move(make)) {}

    // The child for these label values (as many as label names), made on first use. The
    // reference stays valid for the family's life; callers on hot paths keep it.
    Metric& with(const std::vector<std::string>& values) {
        std::lock_guard lock(mutex_);
        auto& child = children_[values];
        if (!child) child = make_();
        return *child;
    }

    const std::vector<std::string>& label_names() const { return label_names_; }

    template <class Visit>
    void each(Visit visit) const {
        std::lock_guard lock(mutex_);
        for (const auto& [values, child] : children_) visit(values, *child);
    }

private:
    const std::vector<std::string> label_names_;
    std::function<std::unique_ptr<Metric>()> make_;
    mutable std::mutex mutex_;
    std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

class Registry {
public:
    Family<Counter>& counter(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
    Family<Gauge>& gauge(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
    Family<Histogram>& histogram(const std::string& name, const std::string& help, std::vector<double> upper_bounds,
                                 std::vector<std::string> labels = {});
    // A gauge read when scraped (open connections, a queue's depth, the process's memory).
    void gauge_callback(const std::string& name, const std::string& help, std::function<double()> read);
    // The same for a counter kept elsewhere (the process's CPU seconds).
    void counter_callback(const std::string& name, const std::string& help, std::function<double()> read);

    // The Prometheus text format, version 0.0.4.
    std::string exposition() const;

private:
    struct Entry {
        std::string name;
        std::string help;
        Type type;
        std::unique_ptr<Family<Counter>> counters;
        std::unique_ptr<Family<Gauge>> gauges;
        std::unique_ptr<Family<Histogram>> histograms;
        std::function<double()> read;
    };
    Entry& add(const std::string& name, const std::string& help, Type type);

    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<Entry>> entries_; // in registration order, as they are exposed
};

// Default buckets for durations in seconds: 1 ms to 10 s.
std::vector<double> duration_buckets();

} // namespace dyndns::metrics
