// The engine's Result/Error: the shared foundation's (foundation/result.h), one type for the
// engine and the store.
#pragma once

#include "foundation/result.h"
