<?php
// PHP's SoapClient (php-soap) built from the served WSDL: what a PHP customer writes. Prints one JSON line per call.
// usage: php soap_client.php WSDL_URL CA_FILE ACCOUNT PASSWORD DOMAIN IP [1.1|1.2]
[$script, $wsdl, $ca, $account, $password, $domain, $ip] = $argv;
$version = ($argv[7] ?? '1.1') === '1.2' ? SOAP_1_2 : SOAP_1_1;
$context = stream_context_create(['ssl' => ['cafile' => $ca, 'verify_peer' => true, 'verify_peer_name' => true]]);
$client = new SoapClient($wsdl, ['stream_context' => $context, 'cache_wsdl' => WSDL_CACHE_NONE, 'soap_version' => $version]);
try {
    $result = $client->SetDyndnsIp(['account' => $account, 'password' => $password, 'domain' => $domain, 'ip' => $ip]);
    echo json_encode(['result' => $result]), "\n";
} catch (SoapFault $fault) {
    echo json_encode(['faultcode' => $fault->faultcode, 'faultstring' => $fault->faultstring, 'detail' => $fault->detail]), "\n";
}
