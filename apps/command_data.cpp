// Placeholder replaced by the data module.
#include "commands.hpp"
namespace fieldgen::app {
int command_data(const Args&) { return 0; }
}
