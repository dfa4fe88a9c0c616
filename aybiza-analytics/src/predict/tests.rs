//! Tests of the prediction module.
