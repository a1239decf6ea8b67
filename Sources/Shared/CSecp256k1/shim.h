// Debian's libsecp256k1-dev: the core API plus the extrakeys/schnorr modules are not needed;
// atproto uses plain ECDSA with compact (r||s) low-S signatures.
#include <secp256k1.h>
