// Debian's libzmq3-dev installs zmq.h in /usr/include; its pkg-config file carries a
// flag SwiftPM refuses, so this module links by name instead.
#include <zmq.h>
