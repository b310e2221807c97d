# The platform's record in the existing zone: an alias-free CNAME to the load balancer in
# front of Traefik once ingress_address is known (after the first deploy).

data "aws_route53_zone" "main" {
  name         = var.dns_zone
  private_zone = false
}

resource "aws_route53_record" "platform" {
  count = var.ingress_address == "" ? 0 : 1

  zone_id = data.aws_route53_zone.main.zone_id
  name    = var.domain
  type    = "CNAME"
  ttl     = 300
  records = [var.ingress_address]
}
