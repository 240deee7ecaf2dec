// Threads named for `top -H`, perf and gdb: the loop, the workers, the follower apart from one another.
#pragma once

#include <pthread.h>

#include <string>

namespace dyndns::core {

// Names the calling thread; Linux keeps the first 15 bytes.
inline void name_this_thread(const std::string& name) { pthread_setname_np(pthread_self(), name.substr(0, 15).c_str()); }

} // namespace dyndns::core
