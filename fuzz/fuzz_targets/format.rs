//! Fuzzes the saved-file loader: arbitrary bytes parsed as every file kind must give a header and
//! payload or a `Corrupt` error (`Incompatible` for another format version), never a panic;
//! whatever parses re-encodes: to the same bytes when it is of the current format version, and to
//! a file of the current version with the same header otherwise (an older layout is read, never
//! written).

#![no_main]

use libfuzzer_sys::fuzz_target;
use neardupe::ErrorKind;
use neardupe::format::{self, FileKind};

fuzz_target!(|data: &[u8]| {
    for kind in [FileKind::Manifest, FileKind::Segment, FileKind::Filter, FileKind::Clusters] {
        match format::parse(data, kind) {
            Ok((header, payload)) => {
                let again = format::encode(kind, &header.fingerprint, &header.meta, payload).unwrap();
                if header.version == format::FORMAT_VERSION {
                    assert_eq!(again, data, "a parsed file re-encodes to other bytes");
                } else {
                    let (new, p) = format::parse(&again, kind).unwrap();
                    assert_eq!(
                        (new.fingerprint, new.meta, p),
                        (header.fingerprint.clone(), header.meta.clone(), payload)
                    );
                }
                let _ = header.fingerprint.differences(&header.fingerprint.clone());
            }
            Err(e) => {
                assert!(matches!(e.kind(), ErrorKind::Corrupt | ErrorKind::Incompatible), "{e}");
                let _ = e.to_string();
            }
        }
    }
});
