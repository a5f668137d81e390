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
//! | Execute request body | [`execute_request`] | MS-OXCMAPIHTTP 2.2.4.2.1 |
//! | Execute success response body | [`execute_response`] | MS-OXCMAPIHTTP 2.2.4.2.2 |
//! | failure response body (all four request types) | [`failure_response`] | MS-OXCMAPIHTTP 2.2.4.1.3, 2.2.4.2.3, 2.2.4.3.3, 2.2.4.4.3 |
//! | NotificationWait request and success response bodies | [`notification_wait`] | MS-OXCMAPIHTTP 2.2.4.4.1, 2.2.4.4.2 |
//! | Disconnect request and success response bodies | [`disconnect`] | MS-OXCMAPIHTTP 2.2.4.3.1, 2.2.4.3.2 |
//! | Connect request and success response bodies | [`connect`] | MS-OXCMAPIHTTP 2.2.4.1.1, 2.2.4.1.2 |
//! | auxiliary blocks (AUX_HEADER, AUX_PERF_CLIENTINFO) of an AuxiliaryBuffer | [`aux_buffer`] | MS-OXCRPC 2.2.2.2, 2.2.2.2.4 |
//! | response inner stream (meta-tags, additional headers, body), whole and incremental | [`inner_stream`] | MS-OXCMAPIHTTP 2.2.7, 3.2.5.2 |
//! | X-ResponseCode values | [`response_code`] | MS-OXCMAPIHTTP 2.2.3.3.3 |
//!
//! The contract of [`crate::wire`] holds here too: decoding never panics
//! and never allocates more than the input can hold (a compressed payload
//! expands to at most its SizeActual, itself at most 65 535), and every
//! accepted input re-encodes to its bytes.

pub mod aux_buffer;
pub(crate) mod body;
pub mod connect;
pub mod disconnect;
pub mod execute_request;
pub mod execute_response;
pub mod extended_buffer;
pub mod failure_response;
pub mod inner_stream;
pub mod lz77;
pub mod notification_wait;
pub mod response_code;
pub mod rpc_header_ext;
pub mod xor_magic;
