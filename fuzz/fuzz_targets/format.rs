//! Fuzzes the saved-file loader: arbitrary bytes parsed as every file kind must give a header and
//! payload or a `Format` error, never a panic; whatever parses re-encodes to the same bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use neardupe::ErrorKind;
use neardupe::format::{self, FileKind};

fuzz_target!(|data: &[u8]| {
    for kind in [FileKind::Manifest, FileKind::Segment, FileKind::Filter, FileKind::Clusters] {
        match format::parse(data, kind) {
            Ok((header, payload)) => {
                let again = format::encode(kind, &header.fingerprint, &header.meta, payload).unwrap();
                assert_eq!(again, data, "a parsed file re-encodes to other bytes");
                let _ = header.fingerprint.differences(&header.fingerprint.clone());
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Format);
                let _ = e.to_string();
            }
        }
    }
});
