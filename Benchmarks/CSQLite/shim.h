// SQLite from the system (Debian: libsqlite3-dev). Only the benchmark's baseline uses it.
#include <sqlite3.h>
