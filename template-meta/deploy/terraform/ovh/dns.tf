# The platform's record in the zone OVHcloud's DNS serves, once ingress_address is known
# (after the first deploy).

locals {
  # The record's name relative to the zone: empty for the zone's own name.
  dns_name = var.domain == var.dns_zone ? "" : trimsuffix(var.domain, ".${var.dns_zone}")
}

resource "ovh_domain_zone_record" "platform" {
  count = var.ingress_address == "" ? 0 : 1

  zone      = var.dns_zone
  subdomain = local.dns_name
  fieldtype = "A"
  ttl       = 300
  target    = var.ingress_address
}
