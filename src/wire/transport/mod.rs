//! The transport around ROP buffers: MAPI over HTTP ([MS-OXCMAPIHTTP]) and
//! the extended buffers of [MS-OXCRPC]. Sans-IO: bytes in, values and
//! findings out, no sockets.
//!
//! | structure | file | spec |
//! |---|---|---|
//! | LZ77 + DIRECT2 compression | [`lz77`] | MS-OXCRPC 3.1.4.1.1.2 |
//! | XOR obfuscation | [`xor_magic`] | MS-OXCRPC 3.1.4.1.1.3 |
//! | RPC_HEADER_EXT | [`rpc_header_ext`] | MS-OXCRPC 2.2.2.1 |
//! | extended buffer (RPC_HEADER_EXT + payload, one or more) | [`extended_buffer`] | MS-OXCRPC 3.1.4.1.1, 3.1.4.2.1 |
//! | AUX_HEADER blocks, AUX_PERF_CLIENTINFO | [`aux`] | MS-OXCRPC 2.2.2.2, 2.2.2.2.4 |
//! | the auxiliary buffer of the request bodies | [`auxiliary_buffer`] | MS-OXCRPC 3.1.4.1.1.1 |
//! | Connect, Execute, Disconnect, NotificationWait bodies | [`connect`], [`execute`], [`disconnect`], [`notification_wait`] | MS-OXCMAPIHTTP 2.2.4 |
//! | the response inner stream (meta-tags, headers, body) | [`inner_stream`] | MS-OXCMAPIHTTP 2.2.7, 3.2.5.2 |
//!
//! The contract of [`crate::wire`] holds here too: decoding never panics
//! and never allocates more than the input can hold (a compressed payload
//! expands to at most its SizeActual, itself at most 65 535), and every
//! accepted input re-encodes to its bytes.

pub mod lz77;
pub mod xor_magic;
