//! Trust for assure (being written).
