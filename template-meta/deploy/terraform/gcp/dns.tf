# The platform's record in the existing managed zone, once ingress_address is known (after
# the first deploy).

data "google_dns_managed_zone" "main" {
  name = var.dns_zone
}

resource "google_dns_record_set" "platform" {
  count = var.ingress_address == "" ? 0 : 1

  managed_zone = data.google_dns_managed_zone.main.name
  name         = "${var.domain}."
  type         = "A"
  ttl          = 300
  rrdatas      = [var.ingress_address]
}
