//! The embedded simulator of the HelloWorld vendor API, so everything runs on loopback.
//! Built by the simulator issue; integration code never imports this module.
