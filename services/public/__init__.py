"""The public page of a programme marked `public: true`: what residents may read, from a whitelist of fields."""
