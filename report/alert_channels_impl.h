// Constructors of the concrete alert channels, for MakeAlertChannels only.
// Their options are already validated and their secrets resolved.
#pragma once

#include <memory>
#include <string>

#include "report/alert_channel.h"

namespace leakmon {

std::unique_ptr<AlertChannel> NewWebhookChannel(AlertOptions options, std::string url);
std::unique_ptr<AlertChannel> NewEmailChannel(AlertOptions options, std::string password);
std::unique_ptr<AlertChannel> NewCommandChannel(AlertOptions options);

}  // namespace leakmon
