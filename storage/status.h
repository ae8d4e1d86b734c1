// The store's Result/Error: the shared foundation's (foundation/result.h), under the names the
// store's code uses. Error codes say what the app can do (move a damaged file aside, say the disk
// is full).
#pragma once

#include "foundation/result.h"

namespace confidant::storage {

using confidant::Error;
using confidant::ErrorCode;
using confidant::makeError;
using confidant::Result;

}  // namespace confidant::storage
