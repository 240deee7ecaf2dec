// Every port the core needs from the persistent state, in one reference for UpdateCore and AccountService.
#pragma once

#include "core/ports/account_port.h"
#include "core/ports/api_token_port.h"
#include "core/ports/counter_port.h"
#include "core/ports/domain_port.h"
#include "core/ports/history_port.h"
#include "core/ports/host_rule_port.h"
#include "core/ports/totp_port.h"
#include "core/ports/webhook_port.h"
#include "vocabulary/store_errors.h"

namespace dyndns::core {

// store::Store is one; tests use MemoryStore (tests/support/memory_store.h).
class StorePorts : public AccountPort,
                   public ApiTokenPort,
                   public DomainPort,
                   public HistoryPort,
                   public HostRulePort,
                   public TotpPort,
                   public CallCountPort,
                   public LoginCountPort,
                   public WebhookPort {
public:
    // True when several gateways may share the counts: the core then counts calls and login
    // failures through this port rather than in its own memory.
    virtual bool is_shared() const = 0;
};

} // namespace dyndns::core
