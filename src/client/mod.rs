//! The vendor API client: one async method per endpoint of `api/openapi.yaml`, typed models,
//! token caching and retries. It knows nothing of XSOAR. Built by the vendor-client issue;
//! until then no command calls the vendor.
