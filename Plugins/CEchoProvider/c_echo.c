/* Filled in by its own change. */
#include "agentws_provider.h"
